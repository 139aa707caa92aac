/**
 * The sentence-transformers models Trove offers, each pinned to one commit of its Hugging Face
 * repository so a download today and next year give the same files (and the same vectors).
 * Revisions are the ones the models' own cards and downstream model cards cite ("at revision …").
 * Two kinds: sentence-embedding models (bi-encoders) that index and search, and re-rankers
 * (CrossEncoders) that re-order a search's best passages (Settings.reranker) and never index.
 */
import type { CatalogueModel } from '../../shared/models';

/** Files of a sentence-transformers repository that the engine reads (the ONNX graph last: it is the big one). */
const ST_FILES = [
  'modules.json',
  'config_sentence_transformers.json',
  'sentence_bert_config.json',
  '1_Pooling/config.json',
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'onnx/model.onnx',
];

/**
 * Files of a CrossEncoder repository that the engine reads (core/embed/cross-encoder-model.ts): the
 * config (num_labels, the activation), the tokenizer (its pair template and max length) and the ONNX
 * graph. No modules.json: cross-encoder repositories have none, and none is needed to score pairs.
 */
const CE_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx'];

export const CATALOGUE: readonly CatalogueModel[] = [
  {
    name: 'all-MiniLM-L6-v2',
    label: 'all-MiniLM-L6-v2 (fast, English)',
    repo: 'sentence-transformers/all-MiniLM-L6-v2',
    revision: 'c9745ed1d9f207416be6d2e6f8de32d1f16199bf',
    files: ST_FILES,
    bytes: 91_000_000,
    languages: ['en'],
    dimension: 384,
    similarity: 'cosine',
    licence: 'Apache-2.0',
    shipped: true,
    // int8: tools/model/minilm_int8.py (per-channel dynamic quantisation of the MatMuls); fp32 is "exact".
    variants: ['fp32', 'int8'],
  },
  {
    name: 'all-mpnet-base-v2',
    label: 'all-mpnet-base-v2 (best English quality)',
    repo: 'sentence-transformers/all-mpnet-base-v2',
    revision: 'e8c3b32edf5434bc2275fc9bab85f82640a19130',
    files: ST_FILES,
    bytes: 438_000_000,
    languages: ['en'],
    dimension: 768,
    similarity: 'cosine',
    licence: 'Apache-2.0',
  },
  {
    name: 'multi-qa-mpnet-base-dot-v1',
    label: 'multi-qa-mpnet-base-dot-v1 (question → passage, dot product)',
    repo: 'sentence-transformers/multi-qa-mpnet-base-dot-v1',
    revision: '17997f24dca0df1a4fed68894fb0e1e133e60482',
    files: ST_FILES,
    bytes: 438_000_000,
    languages: ['en'],
    dimension: 768,
    similarity: 'dot',
    licence: 'Apache-2.0',
  },
  {
    name: 'paraphrase-multilingual-MiniLM-L12-v2',
    label: 'paraphrase-multilingual-MiniLM-L12-v2 (50+ languages)',
    repo: 'sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2',
    revision: 'e8f8c211226b894fcb81acc59f3b34ba3efd5f42',
    files: ST_FILES,
    bytes: 471_000_000,
    languages: ['multilingual', 'en', 'zh'],
    dimension: 384,
    similarity: 'cosine',
    licence: 'Apache-2.0',
  },
  {
    name: 'multilingual-e5-small',
    label: 'multilingual-e5-small (about 100 languages)',
    repo: 'intfloat/multilingual-e5-small',
    revision: '614241f622f53c4eeff9890bdc4f31cfecc418b3',
    files: ST_FILES,
    bytes: 471_000_000,
    languages: ['multilingual', 'en', 'zh'],
    dimension: 384,
    similarity: 'cosine',
    licence: 'MIT',
    // e5 was trained with these prefixes; its repository's sentence-transformers config may predate prompts.
    prompts: { query: 'query: ', passage: 'passage: ' },
  },
  {
    name: 'multilingual-e5-small-q4',
    label: 'multilingual-e5-small (4-bit)',
    repo: null,
    revision: null,
    files: [],
    bytes: 0,
    languages: ['multilingual', 'en', 'zh'],
    dimension: 384,
    similarity: 'cosine',
    licence: 'MIT',
    prompts: { query: 'query: ', passage: 'passage: ' },
    local: true,
    // Its only weights are 4-bit, so its vectors are stored as "intfloat/multilingual-e5-small@q4": an
    // index built with it never mixes with one built by the downloaded fp32 multilingual-e5-small.
    variants: ['q4'],
  },
  {
    name: 'ms-marco-MiniLM-L6-v2',
    label: 'ms-marco-MiniLM-L6-v2 (re-ranker, English)',
    kind: 'reranker',
    purpose: 'Re-orders the best results of a search by how well each passage answers the query. Trained on MS MARCO (Bing questions and the web passages that answer them); English.',
    repo: 'cross-encoder/ms-marco-MiniLM-L6-v2',
    // The commit sentence-transformers' own generated model cards cite for this base model ("at revision
    // c5ee24cb…"), and main's commit as recorded on 2026-08-01 by a project that downloads
    // onnx/model.onnx (sha256 5d3e70fd…) at it. Not checked against the hub from here (no access).
    revision: 'c5ee24cb16019beea0893ab7796b1df96625c6b8',
    files: CE_FILES,
    bytes: 91_000_000,
    languages: ['en'],
    dimension: 1,
    similarity: 'cosine',
    licence: 'Apache-2.0',
  },
  {
    name: 'bge-reranker-base',
    label: 'bge-reranker-base (re-ranker, Chinese and English)',
    kind: 'reranker',
    purpose: 'Re-orders the best results of a search by how well each passage answers the query, in Chinese and English (BAAI; XLM-RoBERTa base). Large: slower than the English re-ranker.',
    repo: 'BAAI/bge-reranker-base',
    // "add onnx files and readme for usage with onnx (#14)": the commit that added onnx/model.onnx
    // (1.11 GB), as the repository's commit page shows it. Not checked against the hub from here.
    revision: '580465186bcc87f862a9b2f9003d720af2377980',
    files: CE_FILES,
    bytes: 1_130_000_000,
    languages: ['zh', 'en'],
    dimension: 1,
    similarity: 'cosine',
    licence: 'MIT',
  },
];

export function catalogueEntry(name: string): CatalogueModel | undefined {
  return CATALOGUE.find((m) => m.name === name || m.repo === name);
}
