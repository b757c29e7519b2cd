import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadConsoleConfig } from './gantry';
import { saveSession, sessionOf } from './session';
import { signInOnReturn } from './sign-in/provider-sign-in';
import './styles.css';

// a refusal is an answer, not a glitch: asking again the same way would get it again
const queries = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });

void (async () => {
  const config = await loadConsoleConfig();
  // back from the identity provider: signed in, or why not
  const returned = config.oidc ? await signInOnReturn(config.oidc) : undefined;
  if (returned && 'token' in returned) saveSession(sessionOf(returned));
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queries}>
        <App config={config} notice={returned && 'problem' in returned ? returned.problem : undefined} />
      </QueryClientProvider>
    </StrictMode>,
  );
})();
