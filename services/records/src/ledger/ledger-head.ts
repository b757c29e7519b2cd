import type { Migration } from '@gantry/event-store';

/**
 * The two ledger rows that change: the chain's head (its last position and hash), which every append moves forward,
 * and the tree's (its size and compact range), which the checkpointer grows. Triggers owned by the schema's owner let
 * each only move forward, so the runtime role, which must UPDATE them, cannot move the head back over a cut tail, nor
 * give it another hash at the same position, nor shrink the tree or give it another edge at the same size; deleting or
 * truncating either is refused as for the append-only tables.
 */
export const ledgerHeadMigrations: Migration[] = [
  {
    id: 'records-011-ledger-head-moves-forward',
    up: (schema) => `
      CREATE FUNCTION ${schema}.ledger_head_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.position < OLD.position OR (NEW.position = OLD.position AND NEW.hash IS DISTINCT FROM OLD.hash) THEN
            RAISE EXCEPTION 'the ledger head only moves forward: position % to position % refused', OLD.position, NEW.position USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NEW;
        END $$;
      CREATE TRIGGER ledger_head_moves_forward BEFORE UPDATE ON ${schema}.ledger_head FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_head_moves_forward();
      CREATE TRIGGER ledger_head_not_deleted BEFORE DELETE ON ${schema}.ledger_head FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ${schema}.ledger_head FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      CREATE FUNCTION ${schema}.ledger_tree_grows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.size < OLD.size OR (NEW.size = OLD.size AND NEW.edge IS DISTINCT FROM OLD.edge) THEN
            RAISE EXCEPTION 'the ledger tree only grows: size % to size % refused', OLD.size, NEW.size USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NEW;
        END $$;
      CREATE TRIGGER ledger_tree_grows BEFORE UPDATE ON ${schema}.ledger_tree FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_tree_grows();
      CREATE TRIGGER ledger_tree_not_deleted BEFORE DELETE ON ${schema}.ledger_tree FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      CREATE TRIGGER ledger_tree_no_truncate BEFORE TRUNCATE ON ${schema}.ledger_tree FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.ledger_is_append_only();
    `,
  },
];
