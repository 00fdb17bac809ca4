import { generateVectors } from './generateVectors';

// Regenerates the committed vectors: `WRIT_REGENERATE_VECTORS=1 npx jest test/conformance/regenerateVectors`.
// Skipped otherwise, so ordinary runs read the committed data and never rewrite it.
const regenerate = process.env['WRIT_REGENERATE_VECTORS'] === '1';

(regenerate ? describe : describe.skip)('conformance vector generation', () => {
  it('writes every case folder under test/conformance/vectors', async () => {
    const names = await generateVectors();
    expect(names.length).toBeGreaterThanOrEqual(40);
  });
});
