/**
 * Hybrid search: every query runs against the vectors (meaning) and the FTS5 keyword index (words);
 * the candidates are fused at passage level (fusion.ts) and then grouped by file, best passage first
 * (file-groups.ts). A query is searched as typed and, when a word is unknown, as spelling corrects it.
 *
 * How a search travels: parse the query (query-syntax.ts) → the files it may return (file-filters.ts)
 * → nearest passages by meaning (Corpus) and by words (keyword-query.ts) → fuse → group by file →
 * judge good or weak (no-match.ts) → hits (hits.ts).
 */
import type { SearchQuery, SearchResponse, SimilarQuery } from '../../shared/types';
import type { Corpus } from '../corpus/corpus';
import type { Embedder } from '../embed/types';
import type { FolderRow, IndexedFileRow } from '../store/rows';
import { acceptedFiles, namedFiles } from './file-filters';
import { groupByFile, type FileGroup } from './file-groups';
import { DEFAULT_ALPHA, DEPTH, fuse, type Fusion } from './fusion';
import { bestSimilarity, matchedTerms, toHits, WEAK_FILES } from './hits';
import { keywordQuery, strongWords } from './keyword-query';
import { noMatchBelow } from './no-match';
import { parseQuery } from './query-syntax';
import { unsupportedScript } from './query-script';
import { RERANK_BLEND, RERANK_DEPTH, rerankCandidates, type RerankerChoice, type RerankOptions } from './rerank';
import { similarFiles } from './similar-files';
import { Speller } from './spelling';

export { DEFAULT_ALPHA, type Fusion } from './fusion';
export type { RerankerChoice } from './rerank';

/** Where a search finds its re-ranker: the one chosen (Settings.reranker), and whether searches use it by default. */
export interface RerankSettings {
  choice(): RerankerChoice | null;
  byDefault(): boolean;
}

/** A re-ranking a search will do: with which model, how deep, and how its score blends with the first stage's. */
interface RerankPlan extends RerankOptions {
  choice: RerankerChoice;
}

/** Above the no-match line by this much, the typed query is a strong match and is not corrected. */
const STRONG_MARGIN = 0.15;
/** How much closer (cosine) the corrected query's best passage must be for the correction to be shown. */
const CORRECTION_GAIN = 0.05;

export class FileSearch {
  private readonly speller: Speller;
  /** For evaluation (`eval beir --fusion-table`): the fusion every search uses. */
  fusion: Fusion = { kind: 'convex', alpha: DEFAULT_ALPHA };
  /** For evaluation (`eval beir --reranker`): how deep re-ranking reads and how its score blends in. */
  rerankOptions: RerankOptions = { depth: RERANK_DEPTH, blend: RERANK_BLEND };

  /** `indexedTypes`: the file types the index may hold (settings), for refusing a filter on a type it never holds. */
  constructor(
    private readonly corpus: Corpus,
    private readonly embedder: Embedder,
    private readonly indexedTypes: () => string[],
    private readonly rerankSettings: RerankSettings = { choice: () => null, byDefault: () => false },
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
    const choice = this.rerankSettings.choice();
    const plan: RerankPlan | null = choice && (query.rerank ?? this.rerankSettings.byDefault()) && mode !== 'words' ? { choice, ...this.rerankOptions } : null;
    const typed = await this.answer(text, query, folders, plan);
    // A query whose typed words already found close passages is not second-guessed (nor searched twice).
    const cutoff = noMatchBelow(this.embedder.modelId);
    const strong = typed.quality === 'good' && bestSimilarity(typed) >= cutoff + STRONG_MARGIN;
    const corrected = query.exact || mode === 'meaning' || strong ? null : this.speller.correct(text, parseQuery(text).units);
    let response = typed;
    if (corrected) {
      const fixed = await this.answer(corrected, query, folders, plan);
      const better = (typed.quality === 'none' && fixed.quality === 'good') || bestSimilarity(fixed) >= bestSimilarity(typed) + CORRECTION_GAIN;
      if (better) response = { ...fixed, correction: { original: text, corrected } };
    }
    return { ...response, tookMs: Math.round((performance.now() - t0) * 10) / 10 };
  }

  /** One query as given, without spelling correction. */
  private async answer(text: string, query: SearchQuery, folders: FolderRow[], plan: RerankPlan | null): Promise<SearchResponse> {
    const { corpus } = this;
    const k = query.k ?? 10;
    const mode = query.mode ?? 'hybrid';
    const parsed = parseQuery(text);
    const accept = acceptedFiles(corpus, query.filters, folders, parsed, this.indexedTypes());
    const searchable = (fileId: number) => corpus.isSearchable(fileId) && (!accept || accept.has(fileId));

    const vector = mode !== 'words' && parsed.meaningText ? await this.queryVector(parsed.meaningText) : null;
    // No file passes the filters: nothing to rank (and no full scan looking for an accepted row).
    const dense = vector && accept?.size !== 0 ? corpus.nearestPassages(vector, DEPTH, accept ? (f) => accept.has(f) : undefined) : [];
    const keywords = keywordQuery(parsed, corpus);
    const words = mode !== 'meaning' && keywords.match ? corpus.keywords.passages(keywords.match, DEPTH, accept).filter((h) => searchable(h.fileId)) : [];
    const similarities = vector && ((ids: number[]) => corpus.similarities(vector, ids));
    let candidates = fuse(dense, words, similarities, this.fusion, false, keywords.bm25Bound);
    // Re-ranking changes the order only: which files are good matches is still the first stage's call
    // (below), so a re-ranker can never turn "No good matches" into a confident list, or the reverse.
    let reranked: SearchResponse['reranked'] = null;
    let rerankProblem: string | null = null;
    if (plan && candidates.length > 1 && this.embedder.scorePairs) {
      const texts = corpus.passages(candidates.slice(0, plan.depth).map((c) => c.chunkId));
      const score = (q: string, passages: string[]) => this.embedder.scorePairs!(plan.choice.dir, q, passages);
      try {
        const r = await rerankCandidates(parsed.meaningText || text, candidates, (id) => texts.get(id)?.text ?? '', score, plan);
        candidates = r.candidates;
        reranked = { model: plan.choice.name, label: plan.choice.label, passages: r.passages };
      } catch (err) {
        rerankProblem = `The re-ranker ${plan.choice.label} could not run, so results are in their first order: ${(err as Error).message}`;
      }
    }
    const named = mode !== 'meaning' ? namedFiles(corpus, parsed, text, k).filter(searchable) : [];

    const { groups, chunks, tokensOf } = groupByFile(corpus, candidates, named);
    const cutoff = noMatchBelow(this.embedder.modelId);
    const matched = (chunkId: number) => matchedTerms(tokensOf(chunkId), parsed);
    const allWords = parsed.words.length + parsed.phrases.length;
    const good = (g: FileGroup) =>
      named.includes(g.fileId) ||
      parsed.phrases.length > 0 ||
      (g.passages[0].similarity ?? -Infinity) >= cutoff ||
      (g.passages[0].similarity === null && strongWords(g.passages[0].words, keywords.bm25Bound)) ||
      // Only passages the keyword index returned can hold every word (the others need no tokenising).
      (allWords > 0 && g.passages.some((p) => p.words !== null && matched(p.chunkId).length >= allWords));
    const goodGroups = groups.filter(good);
    const quality = goodGroups.length > 0 || groups.length === 0 ? 'good' : 'none';
    // An answerable query also lists the files its words match strongly, whatever their similarity.
    const listed = groups.filter((g) => good(g) || g.passages.some((p) => strongWords(p.words, keywords.bm25Bound)));
    let shown = quality === 'good' ? listed : groups.slice(0, WEAK_FILES);
    const files = corpus.files(shown.map((g) => g.fileId));
    if (query.sort === 'date') shown = [...shown].sort((a, b) => (files.get(b.fileId)?.mtimeMs ?? 0) - (files.get(a.fileId)?.mtimeMs ?? 0));
    const hits = toHits(shown.slice(0, k), files, chunks, folders, matched, text);
    return {
      query: text,
      hits,
      tookMs: 0,
      passagesSearched: corpus.size,
      totalFiles: quality === 'good' ? listed.length : hits.length,
      correction: null,
      quality,
      unsupportedScript: unsupportedScript(parsed.meaningText, this.embedder.modelId),
      reranked,
      rerankProblem,
    };
  }

  /** Files like an indexed one: closest to one of its passages, or to the file as a whole (mean of its passages). */
  async similarTo(query: SimilarQuery, folders: FolderRow[], file: IndexedFileRow): Promise<SearchResponse> {
    return similarFiles(this.corpus, this.embedder.modelId, this.indexedTypes(), query, folders, file);
  }
}
