/** What the index holds, counted: for the status line, the model manager, a change of model and `status`. */
import type Database from 'better-sqlite3';
import type { VectorSetSummary } from './rows';

export class IndexCounts {
  constructor(private readonly db: Database.Database) {}

  /** Files searched in `setId`, its vectors, and files that failed. */
  counts(setId: number): { files: number; chunks: number; problems: number } {
    const files = this.db.prepare("SELECT COUNT(*) FROM files WHERE state = 'indexed' AND embedding_set_id = ?").pluck().get(setId) as number;
    const chunks = this.vectorsOf(setId);
    const problems = this.db.prepare("SELECT COUNT(*) FROM files WHERE state = 'failed'").pluck().get() as number;
    return { files, chunks, problems };
  }

  /** Every vector stored of one set, whichever files it belongs to. */
  vectorsOf(setId: number): number {
    return this.db.prepare('SELECT COUNT(*) FROM vectors WHERE embedding_set_id = ?').pluck().get(setId) as number;
  }

  /** Passages of indexed files. */
  indexedPassages(): number {
    return this.db.prepare("SELECT COUNT(*) FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.state = 'indexed'").pluck().get() as number;
  }

  /** Every embedding set with vectors stored: its model, how many passages it covers of how many, and its size. */
  vectorSets(): VectorSetSummary[] {
    const passages = this.indexedPassages();
    const rows = this.db
      .prepare(
        `SELECT es.id, es.model_id AS modelId, es.dimension, es.pipeline_version AS pipelineVersion,
           (SELECT COUNT(*) FROM vectors v WHERE v.embedding_set_id = es.id) AS vectors,
           (SELECT COUNT(*) FROM files f WHERE f.state = 'indexed' AND f.embedding_set_id = es.id) AS files
         FROM embedding_sets es ORDER BY es.id`,
      )
      .all() as Omit<VectorSetSummary, 'passages' | 'bytes' | 'complete'>[];
    return (
      rows
        .filter((r) => r.vectors > 0 || r.files > 0)
        // float32 vectors: the size on disk is the count times 4 bytes per dimension (no need to sum the blobs).
        .map((r) => ({ ...r, passages, bytes: r.vectors * r.dimension * 4, complete: r.vectors >= passages }))
    );
  }

  /** The models the indexed files are searched with, most files first (more than one while a change of model is unfinished). */
  indexModels(): Array<{ modelId: string; dimension: number; files: number }> {
    return this.db
      .prepare(
        `SELECT es.model_id AS modelId, es.dimension, COUNT(f.id) AS files FROM files f JOIN embedding_sets es ON es.id = f.embedding_set_id
         WHERE f.state = 'indexed' GROUP BY es.id ORDER BY files DESC`,
      )
      .all() as Array<{ modelId: string; dimension: number; files: number }>;
  }

  /** The models of indexed files searched in another set than `setId` (what a change of model moves away from). */
  modelsOtherThan(setId: number): string[] {
    return this.db
      .prepare(`SELECT DISTINCT es.model_id FROM files f JOIN embedding_sets es ON es.id = f.embedding_set_id WHERE f.state = 'indexed' AND f.embedding_set_id <> ?`)
      .pluck()
      .all(setId) as string[];
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }
}
