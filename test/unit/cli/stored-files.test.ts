/**
 * Issue 21 item 6: the JSON files the CLI and the engine read back (settings.json, models.json, a
 * model's manifest.json) are checked on read. Every file Trove ships or writes today still reads; a
 * hand-broken one fails naming the file and the field.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { shippedModelsDir } from '../../../src/core/embed/model-files';
import { manifestFileSchema, modelsFileSchema, parseStoredJson, settingsFileSchema, StoredFileError } from '../../../src/shared/stored-files';

function refused(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof StoredFileError, String(err));
    return err.message;
  }
  assert.fail('accepted');
}

test('every shipped manifest reads, fields Trove does not use included', () => {
  const root = shippedModelsDir();
  const dirs = [...readdirSync(root).map((d) => join(root, d)), ...readdirSync(join(root, 'test-fixtures')).map((d) => join(root, 'test-fixtures', d))];
  const manifests = dirs.filter((d) => readdirSync(d).includes('manifest.json')).map((d) => join(d, 'manifest.json'));
  assert.ok(manifests.length >= 3, manifests.join(', '));
  for (const path of manifests) {
    const text = readFileSync(path, 'utf8');
    const m = parseStoredJson(manifestFileSchema, text, path);
    assert.deepEqual(m, JSON.parse(text), `${path} reads back whole`);
  }
});

test('partial settings and models files, as older versions wrote them, read', () => {
  assert.deepEqual(parseStoredJson(settingsFileSchema, '{"locale":"zh"}', 'settings.json'), { locale: 'zh' });
  assert.deepEqual(parseStoredJson(settingsFileSchema, '{}', 'settings.json'), {});
  assert.deepEqual(parseStoredJson(modelsFileSchema, '{"current":"/m/all-MiniLM-L6-v2","switching":null}', 'models.json'), { current: '/m/all-MiniLM-L6-v2', switching: null });
});

test('a hand-broken file names itself and the wrong field', () => {
  assert.equal(
    refused(() => parseStoredJson(settingsFileSchema, '{"maxFileSizeMb":"fifty"}', '/data/settings.json')),
    '/data/settings.json: "maxFileSizeMb" is wrong (expected number, received string); fix it or delete it',
  );
  assert.match(refused(() => parseStoredJson(settingsFileSchema, '{"theme":"pink"}', '/data/settings.json')), /^\/data\/settings\.json: "theme" is wrong \(.*"system".*\)/);
  assert.match(refused(() => parseStoredJson(modelsFileSchema, '{"current": 5}', '/data/models.json')), /^\/data\/models\.json: "current" is wrong/);
  assert.match(refused(() => parseStoredJson(modelsFileSchema, '{"current": "x",', '/data/models.json')), /^\/data\/models\.json is not valid JSON \(.+\); fix it or delete it$/);
  assert.match(refused(() => parseStoredJson(modelsFileSchema, '[]', '/data/models.json')), /^\/data\/models\.json: the top level is wrong/);
  const manifest = JSON.parse(readFileSync(join(shippedModelsDir(), 'all-MiniLM-L6-v2', 'manifest.json'), 'utf8')) as { files: Record<string, { bytes: unknown }> };
  manifest.files['onnx/model.onnx'].bytes = 'big';
  assert.match(refused(() => parseStoredJson(manifestFileSchema, JSON.stringify(manifest), 'manifest.json')), /^manifest\.json: "files\.onnx\/model\.onnx\.bytes" is wrong \(expected number/);
});
