/**
 * A model id as people read it: the model's name without the repository owner or the weights' variant
 * ("sentence-transformers/all-MiniLM-L6-v2@int8" → "all-MiniLM-L6-v2"); Settings → Models says which
 * weights are in use.
 */
export function modelDisplayName(id: string): string {
  // Stored ids may also carry a language balance tag after "+" (EmbeddingEngine.modelId).
  return (id.split('/').pop() ?? id).split(/[@+]/)[0];
}
