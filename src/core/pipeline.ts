/**
 * Version of everything between a file's bytes and its vectors other than the model: extraction and
 * chunking. Bump it when they change; vectors made by an older pipeline are then re-embedded.
 */
export const PIPELINE_VERSION = 1;
