import type { Migration } from '@gantry/event-store';

/**
 * The ledger head (the chain's last position and hash, the tree's size and compact range) is the one ledger row that
 * changes: every append moves it forward. A trigger owned by the schema's owner lets it only move forward, so the
 * runtime role, which must UPDATE it, cannot move it back over a cut tail nor give it another hash at the same
 * position; deleting or truncating it is refused as for the append-only tables.
 */
export const ledgerHeadMigrations: Migration[] = [
  {
    id: 'records-010-ledger-head-moves-forward',
    up: (schema) => `
      CREATE FUNCTION ${schema}.ledger_head_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.position < OLD.position OR NEW.tree_size < OLD.tree_size
             OR (NEW.position = OLD.position AND NEW.hash IS DISTINCT FROM OLD.hash)
             OR (NEW.tree_size = OLD.tree_size AND NEW.tree_edge IS DISTINCT FROM OLD.tree_edge) THEN
            RAISE EXCEPTION 'the ledger head only moves forward: (position %, tree size %) to (position %, tree size %) refused',
              OLD.position, OLD.tree_size, NEW.position, NEW.tree_size USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NEW;
        END $$;
      CREATE TRIGGER ledger_head_moves_forward BEFORE UPDATE ON ${schema}.ledger_head FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_head_moves_forward();
      CREATE TRIGGER ledger_head_not_deleted BEFORE DELETE ON ${schema}.ledger_head FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ${schema}.ledger_head FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.ledger_is_append_only();
    `,
  },
];
