import { z } from 'zod';
import { WritError } from '../core/errors/writError';
import type { ArtifactWindowSettings } from '../activities/governanceDeps';

/**
 * Bounds on the windows Writ accepts signed material in (artifacts, and operator
 * statements at their first use): short by default, capped so no setting can weaken them much.
 */
export const ArtifactWindowSchema = z.strictObject({
  ttlSeconds: z.number().int().min(1).max(900).default(60),
  clockSkewSeconds: z.number().int().min(0).max(60).default(5),
  maxLifetimeSeconds: z.number().int().min(1).max(900).default(900),
  /** Operator statements share the clock tolerance; their own window is the freshness at first use. */
  statementMaxAgeSeconds: z.number().int().min(30).max(3600).default(300),
});

/** Validates window settings when they are given (CONFIG_INVALID), filling defaults. */
export function validateWindowSettings(input: Partial<ArtifactWindowSettings>): ArtifactWindowSettings {
  const parsed = ArtifactWindowSchema.safeParse(input);
  if (!parsed.success) {
    throw new WritError('CONFIG_INVALID', 'artifact window settings are invalid', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  if (parsed.data.ttlSeconds > parsed.data.maxLifetimeSeconds) {
    throw new WritError('CONFIG_INVALID', 'ttlSeconds exceeds maxLifetimeSeconds');
  }
  return parsed.data;
}
