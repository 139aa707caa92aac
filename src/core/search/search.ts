/**
 * Hybrid search: every query runs against the vectors (meaning) and the FTS5 keyword index (words);
 * the candidates are fused at passage level and then grouped by file, best passage first.
 *
 * Fusion is a convex combination of the two scores, each scaled to 0–1 over the query's own
 * candidates: α·cosine' + (1−α)·bm25'. Chosen on BEIR SciFact through the real pipeline against
 * reciprocal rank fusion (`eval beir --fusion-table`; the figures are in the README's search section).
 */
import { basename } from 'node:path';
import { InvalidArgumentsError } from '../../shared/api';
import type { Passage, SearchFilters, SearchHit, SearchQuery, SearchResponse, SimilarQuery } from '../../shared/types';
import type { Corpus } from '../corpus/corpus';
import type { Embedder } from '../embed/types';
import { NotIndexedError } from '../service/path-errors';
import { fileType } from '../sources/folder-rules';
import type { FolderRow, IndexedFileRow } from '../store/rows';
import { highlightSpan } from './highlight';
import { noMatchBelow } from './no-match';
import { parseQuery, type ParsedQuery } from './query-syntax';
import { unsupportedScript } from './query-script';
import { Speller } from './spelling';
import { containsPhrase, ftsPhrase, tokens } from './words';

/** Passages each index contributes to the fusion. */
const DEPTH = 100;
const PASSAGES_PER_FILE = 4;
/** Files shown under "No good matches". */
const WEAK_FILES = 3;
/** Weight of meaning against words (the SciFact measurement chose it; see the module comment). */
export const DEFAULT_ALPHA = 0.3;
/** Above the no-match line by this much, the typed query is a strong match and is not corrected. */
const STRONG_MARGIN = 0.15;
/** How much closer (cosine) the corrected query's best passage must be for the correction to be shown. */
const CORRECTION_GAIN = 0.05;
/** Lucene's English stop words (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET). */
const STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(' '),
);
/** A word in more than this share of passages is too common to rank by (see withoutCommonWords). */
const COMMON_SHARE = 0.02;
/** Passages from which common words are left out of the keyword query. */
const PRUNE_FROM = 20_000;
/** Words of a query given to the keyword index. */
const MAX_KEYWORDS = 64;
/** Passages of one file this alike (shared words, Jaccard) show once. */
const NEAR_DUPLICATE = 0.8;

/** How candidates are fused: convex combination with weight α on meaning, or reciprocal rank fusion. */
export type Fusion = { kind: 'convex'; alpha: number } | { kind: 'rrf'; k: number };

interface Candidate {
  chunkId: number;
  fileId: number;
  similarity: number | null;
  words: number | null;
  score: number;
}

export class FileSearch {
  private readonly speller: Speller;
  /** For evaluation (`eval beir --fusion-table`): the fusion every search uses. */
  fusion: Fusion = { kind: 'convex', alpha: DEFAULT_ALPHA };

  /** `indexedTypes`: the file types the index may hold (settings), for refusing a filter on a type it never holds. */
  constructor(
    private readonly corpus: Corpus,
    private readonly embedder: Embedder,
    private readonly indexedTypes: () => string[],
  ) {
    this.speller = new Speller(corpus.keywords, () => corpus.changes);
  }

  /**
   * The query's vector from the model whose vectors the corpus searches. The model may change over
   * while the query is being embedded (a change of model finishing): then it is embedded again by the
   * new one, never scored against the other model's vectors.
   */
  private async queryVector(text: string): Promise<Float32Array> {
    for (let attempt = 0; ; attempt++) {
      const model = this.corpus.modelId;
      const [vector] = await this.embedder.encode([text], { priority: 'high', role: 'query' });
      if (this.corpus.modelId === model && vector.length === this.corpus.dimension) return vector;
      if (attempt === 2) throw new Error(`the model gave ${vector.length}-dimensional vectors; the index holds ${this.corpus.dimension}-dimensional ones of ${this.corpus.modelId}`);
    }
  }

  /**
   * A word that no passage holds may be a typo ("stahs") or simply a word these files do not use
   * ("binds" among ten abstracts). So the query is searched as typed first, and the spelling
   * correction is searched too only when some word is unknown; the correction is shown only when it
   * finds clearly closer passages (or the typed words found nothing good and it does).
   */
  async search(query: SearchQuery, folders: FolderRow[]): Promise<SearchResponse> {
    const t0 = performance.now();
    const mode = query.mode ?? 'hybrid';
    const text = query.text.trim();
    const typed = await this.answer(text, query, folders);
    // A query whose typed words already found close passages is not second-guessed (nor searched twice).
    const cutoff = noMatchBelow(this.embedder.modelId);
    const strong = typed.quality === 'good' && bestSimilarity(typed) >= cutoff + STRONG_MARGIN;
    const corrected = query.exact || mode === 'meaning' || strong ? null : this.speller.correct(text, parseQuery(text).units);
    let response = typed;
    if (corrected) {
      const fixed = await this.answer(corrected, query, folders);
      const better = (typed.quality === 'none' && fixed.quality === 'good') || bestSimilarity(fixed) >= bestSimilarity(typed) + CORRECTION_GAIN;
      if (better) response = { ...fixed, correction: { original: text, corrected } };
    }
    return { ...response, tookMs: Math.round((performance.now() - t0) * 10) / 10 };
  }

  /** One query as given, without spelling correction. */
  private async answer(text: string, query: SearchQuery, folders: FolderRow[]): Promise<SearchResponse> {
    const k = query.k ?? 10;
    const mode = query.mode ?? 'hybrid';
    const parsed = parseQuery(text);
    const accept = this.acceptedFiles(query.filters, folders, parsed);
    const searchable = (fileId: number) => this.corpus.isSearchable(fileId) && (!accept || accept.has(fileId));

    const vector = mode !== 'words' && parsed.meaningText ? await this.queryVector(parsed.meaningText) : null;
    // No file passes the filters: nothing to rank (and no full scan looking for an accepted row).
    const dense = vector && accept?.size !== 0 ? this.corpus.nearestPassages(vector, DEPTH, accept ? (f) => accept.has(f) : undefined) : [];
    // A pasted page of text: its first distinct words are plenty for bm25 (FTS5 evaluates every OR branch).
    // Stop words ("the", "of") match nearly every passage and weigh almost nothing in bm25: they are
    // left out of the keyword query unless the query is nothing but stop words ("to be or not to be").
    const content = parsed.words.filter((w) => !(w.tokens.length === 1 && STOP_WORDS.has(w.tokens[0])));
    const keywordWords = content.length ? content : parsed.words;
    const distinct = [...new Map([...keywordWords, ...parsed.phrases].map((w) => [w.tokens.join(' '), w])).values()].slice(0, MAX_KEYWORDS);
    const positives = this.withoutCommonWords(distinct, parsed.phrases);
    const words = mode !== 'meaning' && positives.length ? this.corpus.keywords.passages(positives.map((w) => ftsPhrase(w.tokens)).join(' OR '), DEPTH, accept).filter((h) => searchable(h.fileId)) : [];
    const candidates = this.fuse(dense, words, vector, this.fusion, false, this.bestPossibleBm25(positives));
    const named = mode !== 'meaning' ? this.namedFiles(parsed, text, k).filter(searchable) : [];

    const { groups, chunks, tokensOf } = this.group(candidates, named);
    const cutoff = noMatchBelow(this.embedder.modelId);
    const matched = (chunkId: number) => matchedTerms(tokensOf(chunkId), parsed);
    const allWords = parsed.words.length + parsed.phrases.length;
    const good = (g: FileGroup) =>
      named.includes(g.fileId) ||
      parsed.phrases.length > 0 ||
      (g.passages[0].similarity ?? -Infinity) >= cutoff ||
      // Only passages the keyword index returned can hold every word (the others need no tokenising).
      (allWords > 0 && g.passages.some((p) => p.words !== null && matched(p.chunkId).length >= allWords));
    const goodGroups = groups.filter(good);
    const quality = goodGroups.length > 0 || groups.length === 0 ? 'good' : 'none';
    let shown = quality === 'good' ? goodGroups : groups.slice(0, WEAK_FILES);
    const files = this.corpus.files(shown.map((g) => g.fileId));
    if (query.sort === 'date') shown = [...shown].sort((a, b) => (files.get(b.fileId)?.mtimeMs ?? 0) - (files.get(a.fileId)?.mtimeMs ?? 0));
    const hits = this.hits(shown.slice(0, k), files, chunks, folders, (id) => matchedTerms(tokensOf(id), parsed), text);
    return {
      query: text,
      hits,
      tookMs: 0,
      passagesSearched: this.corpus.size,
      totalFiles: quality === 'good' ? goodGroups.length : hits.length,
      correction: null,
      quality,
      unsupportedScript: unsupportedScript(parsed.meaningText, this.embedder.modelId),
    };
  }

  /** Files like an indexed one: closest to one of its passages, or to the file as a whole (mean of its passages). */
  async similarTo(query: SimilarQuery, folders: FolderRow[], file: IndexedFileRow): Promise<SearchResponse> {
    const t0 = performance.now();
    const k = query.k ?? 10;
    if (!this.corpus.isSearchable(file.id)) throw new NotIndexedError(`${query.path} is not in the index`);
    const stored = this.corpus.vectorsOfFile(file.id);
    let vector: Float32Array;
    if (query.chunkId !== undefined) {
      const one = stored.find((s) => s.chunkId === query.chunkId);
      if (!one) throw new InvalidArgumentsError(`passage ${query.chunkId} is not a passage of ${query.path}`);
      vector = one.vector;
    } else vector = meanDirection(stored.map((s) => s.vector), this.corpus.dimension);
    const accept = this.acceptedFiles(query.filters, folders, null);
    const dense = this.corpus.nearestPassages(vector, DEPTH, (f) => f !== file.id && (!accept || accept.has(f)));
    const grouped = this.group(this.fuse(dense, [], vector, { kind: 'convex', alpha: 1 }, true), []);
    // The same line as search: files below it are not "similar", only nearest.
    const cutoff = noMatchBelow(this.embedder.modelId);
    const close = grouped.groups.filter((g) => (g.passages[0].similarity ?? -Infinity) >= cutoff);
    const quality = close.length > 0 || grouped.groups.length === 0 ? 'good' : 'none';
    const groups = quality === 'good' ? close : grouped.groups.slice(0, WEAK_FILES);
    const chunks = grouped.chunks;
    const files = this.corpus.files(groups.map((g) => g.fileId));
    const source = query.chunkId !== undefined ? this.corpus.passages([query.chunkId]).get(query.chunkId) : undefined;
    const name = basename(file.path);
    const hits = this.hits(groups.slice(0, k), files, chunks, folders, () => [], source?.text ?? '');
    return {
      query: name,
      hits,
      tookMs: Math.round((performance.now() - t0) * 10) / 10,
      passagesSearched: this.corpus.size,
      totalFiles: quality === 'good' ? groups.length : hits.length,
      correction: null,
      quality,
      unsupportedScript: null,
    };
  }

  /**
   * The files a search may return (null: all): the filters, then files holding every quoted phrase,
   * minus files holding an excluded word.
   */
  private acceptedFiles(filters: SearchFilters | undefined, folders: FolderRow[], parsed: ParsedQuery | null): Set<number> | null {
    let accept = filters && Object.values(filters).some((v) => v !== undefined) ? this.filteredFiles(filters, folders) : null;
    const words = this.corpus.keywords;
    for (const phrase of parsed?.phrases ?? []) {
      const holding = words.filesContaining(ftsPhrase(phrase.tokens));
      accept = accept ? new Set([...accept].filter((id) => holding.has(id))) : holding;
    }
    const excluded = parsed?.excluded ?? [];
    if (excluded.length) {
      const out = new Set(excluded.flatMap((e) => [...words.filesContaining(ftsPhrase(e.tokens))]));
      accept ??= new Set(this.corpus.indexedFileIds());
      for (const id of out) accept.delete(id);
    }
    return accept;
  }

  private filteredFiles(filters: SearchFilters, folders: FolderRow[]): Set<number> {
    let folderIds: number[] | undefined;
    if (filters.folders) {
      folderIds = filters.folders.map((path) => {
        const row = folders.find((f) => f.path === path);
        if (!row) throw new InvalidArgumentsError(`search: ${path} is not an indexed folder`);
        return row.id;
      });
    }
    const known = new Set(this.indexedTypes());
    const unknown = filters.types?.filter((t) => !known.has(t)) ?? [];
    if (unknown.length) throw new InvalidArgumentsError(`search: Trove does not index files of type ${unknown.join(', ')} (it indexes ${[...known].join(', ')})`);
    return new Set(this.corpus.filesMatching({ folderIds, types: filters.types, after: filters.after, before: filters.before }));
  }

  /** Files whose name holds every word of the query, or whose path holds the query when it looks like a path. */
  private namedFiles(parsed: ParsedQuery, text: string, k: number): number[] {
    if (parsed.words.length === 0 || parsed.excluded.length > 0) return [];
    const byName = `name : (${parsed.words.map((w) => ftsPhrase(w.tokens)).join(' AND ')})`;
    const pathLike = /[/\\]/.test(text) && tokens(text).length > 0 ? ` OR path : ${ftsPhrase(tokens(text))}` : '';
    return this.corpus.keywords.filesNamed(byName + pathLike, k);
  }

  /**
   * FTS5 scores every passage that matches any word: a word in more than a fiftieth of the passages
   * makes that most of the index while adding little to bm25 (idf below ln 49). Such words are left
   * out of the keyword query while a rarer word remains (quoted phrases always stay). Measured with
   * the rule forced on the SciFact subset, nDCG@10: none 78.58, 5 % 78.72, 2 % 78.43; bench:index at
   * 100,620 passages, hybrid / meaning p50: none 2.85×, 5 % 1.65×, 2 % 1.40×.
   */
  private withoutCommonWords<W extends { tokens: string[] }>(words: W[], phrases: W[]): W[] {
    const n = this.corpus.size;
    // A small index ranks every match in a few milliseconds: keep every word there.
    if (n < PRUNE_FROM) return words;
    const df = (w: W) => Math.min(...w.tokens.map((t) => this.corpus.keywords.passagesWith(t)));
    const rare = words.filter((w) => phrases.includes(w) || df(w) <= n * COMMON_SHARE);
    return rare.length ? rare : words;
  }

  /**
   * An upper bound of FTS5's bm25 for a passage holding every one of these words:
   * Σ idf·(k1 + 1), with FTS5's idf = ln((N − n + 0.5)/(n + 0.5)) (at least 1e-6) and k1 = 1.2. A
   * phrase counts with its rarest word's count.
   */
  private bestPossibleBm25(words: { tokens: string[] }[]): number {
    const n = this.corpus.size;
    let sum = 0;
    for (const w of words) {
      // Counted on the stems, as bm25 ranks them ("mutations" counts every passage with "mutation").
      // A word no passage holds counts too, at the idf it would have: a passage matching only the
      // query's common words ("一个", "down") is a weak keyword match when its key word is nowhere
      // (斑马 "zebra" asked in Chinese of a folder that says it only in English).
      const df = Math.min(...w.tokens.map((t) => this.corpus.keywords.passagesWithStem(ftsPhrase([t]))));
      sum += Math.max(1e-6, Math.log((n - df + 0.5) / (df + 0.5))) * 2.2;
    }
    return sum;
  }

  /** Both candidate lists as one, each passage scored by the fusion; passages found by words alone get their exact similarity. */
  private fuse(
    dense: { chunkId: number; fileId: number; score: number }[],
    words: { chunkId: number; fileId: number; score: number }[],
    vector: Float32Array | null,
    fusion: Fusion = this.fusion,
    meaningOnly = false,
    bm25Bound = 0,
  ): Candidate[] {
    const byId = new Map<number, Candidate>();
    dense.forEach((d) => byId.set(d.chunkId, { chunkId: d.chunkId, fileId: d.fileId, similarity: d.score, words: null, score: 0 }));
    for (const w of words) {
      const c = byId.get(w.chunkId);
      if (c) c.words = w.score;
      else byId.set(w.chunkId, { chunkId: w.chunkId, fileId: w.fileId, similarity: null, words: w.score, score: 0 });
    }
    const all = [...byId.values()];
    if (vector) {
      const missing = all.filter((c) => c.similarity === null);
      if (missing.length) this.corpus.similarities(vector, missing.map((c) => c.chunkId)).forEach((s, i) => (missing[i].similarity = s));
    }
    if (meaningOnly || words.length === 0) {
      for (const c of all) c.score = c.similarity ?? 0;
    } else if (dense.length === 0) {
      for (const c of all) c.score = c.words ?? 0;
    } else if (fusion.kind === 'rrf') {
      const rank = (list: { chunkId: number }[]) => new Map(list.map((x, i) => [x.chunkId, i + 1]));
      const dr = rank(dense);
      const wr = rank(words);
      for (const c of all) c.score = (dr.has(c.chunkId) ? 1 / (fusion.k + dr.get(c.chunkId)!) : 0) + (wr.has(c.chunkId) ? 1 / (fusion.k + wr.get(c.chunkId)!) : 0);
    } else {
      const hi = dense[0].score;
      const lo = dense.at(-1)!.score;
      // bm25 is scaled by what a passage holding every query word could score, not by the best
      // passage's score: else a passage matching only "down" of "a panda slides down a slide" gets the
      // full keyword weight whenever no passage holds the rarer words.
      const top = Math.max(bm25Bound, words[0].score);
      for (const c of all) {
        const meaning = hi > lo ? Math.min(1, Math.max(0, ((c.similarity ?? lo) - lo) / (hi - lo))) : 1;
        const word = c.words !== null && top > 0 ? Math.min(1, c.words / top) : 0;
        c.score = fusion.alpha * meaning + (1 - fusion.alpha) * word;
      }
    }
    return all.sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
  }

  /**
   * Candidates grouped by file, best file first; files found by name lead. Near-identical passages of
   * one file show once. Returns the passages' rows and their tokens (computed once per search).
   */
  private group(candidates: Candidate[], named: number[]) {
    const groups = new Map<number, FileGroup>();
    for (const id of named) groups.set(id, { fileId: id, passages: [] });
    // A file found by name but by no passage shows its first passage: read with the others, in one go.
    const found = new Set(candidates.map((c) => c.fileId));
    const firsts = new Map<number, number>();
    for (const id of named) {
      const first = found.has(id) ? undefined : this.corpus.firstPassage(id);
      if (first !== undefined) firsts.set(id, first);
    }
    const chunks = this.corpus.passages([...candidates.map((c) => c.chunkId), ...firsts.values()]);
    const tokenCache = new Map<number, string[]>();
    const tokensOf = (id: number) => {
      let t = tokenCache.get(id);
      if (!t) tokenCache.set(id, (t = tokens(chunks.get(id)?.text ?? '')));
      return t;
    };
    const kept = new Map<number, Set<string>[]>();
    for (const c of candidates) {
      let g = groups.get(c.fileId);
      if (!g) groups.set(c.fileId, (g = { fileId: c.fileId, passages: [] }));
      if (g.passages.length >= PASSAGES_PER_FILE) continue;
      if (g.passages.length > 0) {
        // Word sets only for files that already show a passage: most candidates are a file's first.
        const sets = kept.get(c.fileId) ?? g.passages.map((p) => new Set(tokensOf(p.chunkId)));
        const set = new Set(tokensOf(c.chunkId));
        if (sets.some((other) => jaccard(other, set) >= NEAR_DUPLICATE)) continue;
        sets.push(set);
        kept.set(c.fileId, sets);
      }
      g.passages.push(c);
    }
    for (const id of named) {
      const g = groups.get(id)!;
      if (g.passages.length > 0) continue;
      const first = firsts.get(id);
      if (first === undefined) groups.delete(id);
      else g.passages.push({ chunkId: first, fileId: id, similarity: null, words: null, score: 0 });
    }
    const list = [...groups.values()];
    const lead = list.filter((g) => named.includes(g.fileId));
    return { groups: [...lead, ...list.filter((g) => !named.includes(g.fileId))], chunks, tokensOf };
  }

  private hits(
    groups: FileGroup[],
    files: Map<number, IndexedFileRow>,
    chunks: Map<number, { id: number; text: string; start: number; end: number; location: string | null }>,
    folders: FolderRow[],
    matchedTermsOf: (chunkId: number) => string[],
    highlightFor: string,
  ): SearchHit[] {
    const folderById = new Map(folders.map((f) => [f.id, f.path]));
    const hits: SearchHit[] = [];
    for (const g of groups) {
      const file = files.get(g.fileId);
      if (!file) continue;
      const passages: Passage[] = [];
      for (const p of g.passages) {
        const c = chunks.get(p.chunkId);
        if (!c) continue;
        passages.push({
          chunkId: c.id,
          text: c.text,
          start: c.start,
          end: c.end,
          score: p.score,
          similarity: p.similarity,
          matchedTerms: matchedTermsOf(c.id),
          location: c.location,
          highlight: highlightSpan(c.text, highlightFor),
        });
      }
      if (passages.length === 0) continue;
      hits.push({
        path: file.path,
        folder: folderById.get(file.folderId) ?? '',
        name: basename(file.path),
        fileType: fileType(file.path),
        score: passages[0].score,
        best: passages[0],
        more: passages.slice(1),
        size: file.size,
        mtimeMs: file.mtimeMs,
      });
    }
    return hits;
  }
}

interface FileGroup {
  fileId: number;
  passages: Candidate[];
}

/** The query's words and phrases (as typed) that occur in `text`. */
function matchedTerms(have: string[], parsed: ParsedQuery): string[] {
  return [...parsed.words, ...parsed.phrases].filter((w) => containsPhrase(have, w.tokens)).map((w) => w.text);
}

/** The highest similarity among the passages shown (−∞ when none has one, as in "words" mode). */
function bestSimilarity(r: SearchResponse): number {
  return Math.max(-Infinity, ...r.hits.flatMap((h) => [h.best, ...h.more]).map((p) => p.similarity ?? -Infinity));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/** The normalised mean of a file's passage vectors: the direction of the file as a whole. */
function meanDirection(vectors: Float32Array[], d: number): Float32Array {
  const mean = new Float32Array(d);
  for (const v of vectors) for (let x = 0; x < d; x++) mean[x] += v[x];
  const norm = Math.hypot(...mean) || 1;
  for (let x = 0; x < d; x++) mean[x] /= norm;
  return mean;
}
