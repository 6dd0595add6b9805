// Files some tests need from outside the repository. A plain clone has none of them: those tests report themselves
// skipped with the reason. Naming a place explicitly (WYCHEPROOF_DIR, as .ci/run does) makes them required: a
// missing file then fails the run instead of skipping.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The Project Wycheproof files the signature tests read (../shared/wycheproof in the project workspace). */
export const WYCHEPROOF_NAMES = [
  'rsa_signature_2048_sha256_test.json',
  'rsa_pss_2048_sha256_mgf1_32_test.json',
  'ecdsa_secp256r1_sha256_p1363_test.json',
  'ecdsa_secp384r1_sha384_p1363_test.json',
  'ed25519_test.json',
] as const;

/** Where the Wycheproof files are, or why the tests that read them are skipped. */
export function wycheproof(): { dir: string; skip: null } | { dir: null; skip: string } {
  const explicit = process.env.WYCHEPROOF_DIR;
  const dir = explicit !== undefined && explicit !== '' ? explicit : join(import.meta.dirname, '../../shared/wycheproof');
  const missing = WYCHEPROOF_NAMES.filter((name) => !existsSync(join(dir, name)));
  if (missing.length === 0) return { dir, skip: null };
  if (explicit !== undefined && explicit !== '') {
    throw new Error(`WYCHEPROOF_DIR=${explicit} lacks ${missing.join(', ')}: the Wycheproof tests cannot run`);
  }
  return { dir: null, skip: `the Wycheproof files are not in ${dir} (a clone without the project workspace beside it); set WYCHEPROOF_DIR to run them` };
}
