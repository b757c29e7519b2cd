import { specification } from '@gantry/decider';
import type { AuditFindingRecorded } from '@gantry/contracts';
import { auditFindingDecider } from './audit-finding.decider';

const finding: AuditFindingRecorded = {
  findingId: 'f-1',
  deploymentId: '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11',
  severity: 'high',
  description: 'approved after the run started',
  recordedBy: 'carol',
  recordedAt: '2026-12-05T10:00:00.000Z',
};
const spec = specification(auditFindingDecider);

describe('RecordAuditFinding', () => {
  it('records the finding', () => spec.given([]).when({ type: 'RecordAuditFinding', finding }).then([{ type: 'AuditFindingRecorded', data: finding }]));
  it('another finding under a taken id is refused', () =>
    spec
      .given([{ type: 'AuditFindingRecorded', data: finding }])
      .when({ type: 'RecordAuditFinding', finding: { ...finding, severity: 'low' } })
      .thenRefused({ code: 'FindingIdTaken', findingId: 'f-1' }));
  it('the same finding sent again (a retry) changes nothing', () =>
    spec.given([{ type: 'AuditFindingRecorded', data: finding }]).when({ type: 'RecordAuditFinding', finding: { ...finding, recordedAt: '2026-12-05T10:00:05.000Z' } }).thenNothing());
});
