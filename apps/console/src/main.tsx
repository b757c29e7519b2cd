import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadApiLocation } from './gantry';
import './styles.css';

// a refusal is an answer, not a glitch: asking again the same way would get it again
const queries = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });

void loadApiLocation().then((location) =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queries}>
        <App location={location} />
      </QueryClientProvider>
    </StrictMode>,
  ),
);
