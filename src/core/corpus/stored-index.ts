/**
 * What the index holds, read in the words of those who ask: the indexer (is this file's row current,
 * which stored file has the same content), folders, search (files, passages, the keyword index) and
 * the reports (counts, vector sets, problems). Corpus extends it with the writes and the in-memory
 * vectors; nobody else sees the store.
 *
 * Two reads are asked often and change only when this process writes, so they are kept: the folder
 * list (checked before every file written) and the counts (read by every progress event).
 */
import type { FileFilter } from '../store/file-rows';
import type { IndexStore } from '../store/index-store';
import type { FolderRow, IndexedFileRow, StoredChunk, VectorSetSummary } from '../store/rows';
import type { WordIndex } from '../store/word-index';

/** The keyword index, read only (its rows are written with the passages they index). */
export type KeywordIndex = Pick<WordIndex, 'passages' | 'passagesWithStem' | 'filesWithStem' | 'filesContaining' | 'filesNamed' | 'passagesWith' | 'vocabulary'>;

/** What a file looked like on disk when seen: by a scan (size and time) or by reading it (its content hash). */
export type SeenFile = { size: number; mtimeMs: number } | { contentHash: string };

export abstract class StoredIndex {
  private folderList: FolderRow[] | null = null;
  private countsNow: { files: number; chunks: number; problems: number } | null = null;

  protected constructor(protected readonly store: IndexStore) {}

  /** The embedding set whose vectors answer searches (store's `embedding_sets.id`). */
  abstract get embeddingSetId(): number;

  /** A write happened: what was kept of the folders and counts is read again when next asked. */
  protected forget(what: { folders?: boolean; counts?: boolean }): void {
    if (what.folders) this.folderList = null;
    if (what.counts) this.countsNow = null;
  }

  /** The indexed folders, by path. */
  folders(): FolderRow[] {
    this.folderList ??= this.store.files.folders();
    return [...this.folderList];
  }

  hasFolder(folderId: number): boolean {
    return this.folders().some((f) => f.id === folderId);
  }

  /** The stored row of the file at `path` (indexed or failed), if any. */
  fileAt(path: string): IndexedFileRow | undefined {
    return this.store.files.byPath(path);
  }

  filesInFolder(folderId: number): IndexedFileRow[] {
    return this.store.files.inFolder(folderId);
  }

  /** Indexed files per folder id. */
  fileCountsByFolder(): Map<number, number> {
    return this.store.files.indexedCountByFolder();
  }

  /**
   * Whether `row` still answers for the file as seen: indexed, searched with the model in use, and the
   * same size and time (a scan) or the same content (a read). The one place that decides it.
   */
  isCurrent(row: IndexedFileRow | undefined, seen: SeenFile): row is IndexedFileRow {
    if (!row || row.state !== 'indexed' || row.embeddingSetId !== this.embeddingSetId) return false;
    return 'contentHash' in seen ? row.contentHash === seen.contentHash : row.size === seen.size && row.mtimeMs === seen.mtimeMs;
  }

  /**
   * A stored file with this content whose passages and vectors `path` can take instead of being
   * embedded: the first that `preferred` picks (one gone from disk: a move), else any.
   */
  reusableTwin(contentHash: string, path: string, preferred: (twin: IndexedFileRow) => boolean): IndexedFileRow | undefined {
    const twins = this.store.files.withContent(contentHash, this.embeddingSetId, path);
    return twins.find(preferred) ?? twins[0];
  }

  /** Stored rows of these files (missing ids are left out). */
  files(ids: number[]): Map<number, IndexedFileRow> {
    return this.store.files.byIds(ids);
  }

  indexedFileIds(): number[] {
    return this.store.files.indexedIds();
  }

  /** Indexed files in these folders, of these types, modified in [after, before). */
  filesMatching(filter: FileFilter): number[] {
    return this.store.files.matching(filter);
  }

  /** Stored passages by id. */
  passages(ids: number[]): Map<number, StoredChunk> {
    return this.store.passages.byIds(ids);
  }

  /** The first passage of a file (a file found by its name shows it). */
  firstPassage(fileId: number): number | undefined {
    return this.store.passages.first(fileId);
  }

  passagesOfFile(fileId: number): StoredChunk[] {
    return this.store.passages.ofFile(fileId);
  }

  /** The keyword index over the same passages and file names. */
  get keywords(): KeywordIndex {
    return this.store.words;
  }

  /** Files that could not be indexed, and why. */
  problems(): { path: string; reason: string; at: number }[] {
    return this.store.files.problems();
  }

  /** Files and passages searched with the model in use, and files that failed (kept until the next write). */
  counts(): { files: number; chunks: number; problems: number } {
    this.countsNow ??= this.store.counts.counts(this.embeddingSetId);
    return { ...this.countsNow };
  }

  /** Every model's vectors kept in the index: how complete, how big, and whether it answers searches. */
  vectorSets(): Array<VectorSetSummary & { inUse: boolean }> {
    return this.store.counts.vectorSets().map((s) => ({ ...s, inUse: s.id === this.embeddingSetId }));
  }

  /** The models the indexed files are searched with (more than one while a change of model is unfinished). */
  indexModels(): Array<{ modelId: string; dimension: number; files: number }> {
    return this.store.counts.indexModels();
  }

  /** SQLite's integrity_check: "ok" when the database is sound. */
  integrityCheck(): string {
    return this.store.counts.integrityCheck();
  }
}
