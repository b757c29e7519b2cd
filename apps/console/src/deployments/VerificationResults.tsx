import { Columns } from '../ui';

interface Failure {
  reason?: string;
  code?: string;
  message?: string;
  [key: string]: unknown;
}
interface Verification {
  components?: { result: string; failures?: Failure[] };
  environment?: { result: string; failures?: Failure[] };
  evaluations?: Record<string, { verdict?: string; outcomes?: { description: string; result: string; measured?: unknown; reason?: string }[] }>;
}

const reasonOf = (failure: Failure) => failure.reason ?? failure.code ?? failure.message ?? JSON.stringify(failure);

/** Each check's result with its reasons: the components, the target environment, and the acceptance criteria. */
export function VerificationResults({ verification }: { verification: Verification }) {
  const checks = [
    { name: 'Components', check: verification.components },
    { name: 'Target environment', check: verification.environment },
  ];
  return (
    <>
      <ul className="checks">
        {checks.map(({ name, check }) => (
          <li key={name}>
            {name}: <strong>{check?.result ?? 'pending'}</strong>
            {check?.failures?.length ? (
              <ul>
                {check.failures.map((f, i) => (
                  <li key={i}>{reasonOf(f)}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
      {Object.entries(verification.evaluations ?? {}).map(([stage, evaluation]) => (
        <table key={stage}>
          <caption>
            Acceptance criteria ({stage}): {evaluation.verdict ?? 'pending'}
          </caption>
          <Columns names={['Criterion', 'Result', 'Measured']} />
          <tbody>
            {(evaluation.outcomes ?? []).map((o, i) => (
              <tr key={i}>
                <td>{o.description}</td>
                <td>{o.result}</td>
                <td>{o.reason ?? (o.measured ? JSON.stringify(o.measured) : '—')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}
