export interface Gate {
  name: string;
  roles: string[];
  minimumApprovers: number;
  approvers: string[];
}

/** Work a person does before the step it belongs to counts (hardware, a physical check), completed with evidence. */
export interface ManualStep {
  stepId: string;
  target: string;
  role: string;
  instruction?: string;
  evidenceRequired: boolean;
  completed: boolean;
}

/** `GET /runs/:id` as far as the console shows it (execution's README, "Runs"). */
export interface Run {
  status: string;
  plan?: { waves?: { index: number; targets: string[] }[] };
  gates?: Gate[];
  boundary?: { wave: number; gates: Gate[] };
  done?: { wave: number; target: string }[];
  wave?: { index: number; completed: boolean };
  manual?: ManualStep[];
  /** the run starts no further step until resumed, or decided (rollback-decision.ts) */
  pause?: { reason: string };
  /** changes after planning the run weighed (a freeze added, a version withdrawn …): why it was held */
  lateChanges?: { reason: string; detail: string }[];
  startedAt?: string;
  /** an ended run answers its status and outcome only */
  outcome?: string;
}
