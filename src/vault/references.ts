// Secret references (issue 15): `warden://VAULT/NAME` in an environment value, an env file or a
// template. Pure parsing only: resolving a reference is a vault read, done by the caller.
import { VAULT_NAME_PATTERN } from "../../protocol/patterns.js";
import { WardenError } from "../platform/errors.js";

export const REFERENCE_PREFIX = "warden://";

/** A parsed reference; `vault` undefined means the default vault (`warden://NAME`). */
export interface SecretReference {
  vault?: string;
  name: string;
}

/** Why a reference is malformed: `details.reason` of the WardenError("usage") thrown. */
export type ReferenceProblem = "bad_escape" | "bad_character" | "empty_name" | "bad_vault" | "bad_name";

/** Control characters (C0, DEL, C1): never part of an entry name. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Raw text a reference may not hold (escape it: %20, %0A...); it also ends a template reference. */
const RAW_FORBIDDEN = /[\s\u0000-\u001f\u007f-\u009f]/;
const MAX_NAME = 256;

function malformed(text: string, reason: ReferenceProblem, message: string): WardenError {
  // The text of a reference names a secret, it is not one: it may appear in the error.
  return new WardenError("usage", `${JSON.stringify(text)}: ${message}`, { reason, reference: text });
}

function decode(text: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw malformed(text, "bad_escape", "a %-escape is not valid UTF-8 percent-encoding");
  }
}

/**
 * The reference `text` is, or null when it is not one (it does not start with `warden://`; the
 * prefix is case-sensitive). Text that starts with the prefix is meant as a reference, so a
 * malformed one throws WardenError("usage") with `details.reason` a ReferenceProblem, rather than
 * passing through as a literal. The first `/` after the prefix ends the vault; further `/` belong
 * to the name (`warden://v/a/b` is entry `a/b` of vault `v`); a default-vault name containing `/`
 * is written with `%2F`.
 */
export function parseReference(text: string): SecretReference | null {
  if (!text.startsWith(REFERENCE_PREFIX)) return null;
  const body = text.slice(REFERENCE_PREFIX.length);
  if (RAW_FORBIDDEN.test(body)) throw malformed(text, "bad_character", "whitespace and control characters must be %-escaped");
  const slash = body.indexOf("/");
  const vault = slash === -1 ? undefined : decode(text, body.slice(0, slash));
  const name = decode(text, slash === -1 ? body : body.slice(slash + 1));
  if (vault !== undefined && !VAULT_NAME_PATTERN.test(vault)) throw malformed(text, "bad_vault", "not a vault name");
  if (name.length === 0) throw malformed(text, "empty_name", "no entry name");
  if (name.length > MAX_NAME || CONTROL.test(name)) {
    throw malformed(text, "bad_name", `an entry name is 1 to ${MAX_NAME} characters without control characters`);
  }
  return vault === undefined ? { name } : { vault, name };
}

/** The text of a reference; parseReference(formatReference(r)) deep-equals r for every valid r. */
export function formatReference(ref: SecretReference): string {
  // encodeURIComponent throws on a lone surrogate, which no reference can carry: say so typed.
  if (/\p{Cs}/u.test(ref.name)) throw malformed(ref.name, "bad_name", "an entry name with a lone surrogate cannot be referenced");
  const name = encodeURIComponent(ref.name);
  return ref.vault === undefined ? `${REFERENCE_PREFIX}${name}` : `${REFERENCE_PREFIX}${encodeURIComponent(ref.vault)}/${name}`;
}

/** One `{{ warden://... }}` in a template: [start, end) spans the braces. */
export interface TemplateReference {
  start: number;
  end: number;
  text: string;
  reference: SecretReference;
}

/**
 * `{{`, spaces or tabs, a reference (anything up to whitespace or a brace), spaces or tabs, `}}`.
 * Braces in anything else are left alone, so `{{ other }}` is not a reference and stays as is.
 */
const TEMPLATE_REFERENCE = /\{\{[ \t]*(warden:\/\/[^\s{}]*)[ \t]*\}\}/g;

/** Every reference in a template, in order; a malformed one throws like parseReference. */
export function findTemplateReferences(text: string): TemplateReference[] {
  return [...text.matchAll(TEMPLATE_REFERENCE)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    text: m[0],
    reference: parseReference(m[1]!)!,
  }));
}

/**
 * The template with each reference replaced by `resolve(reference)`; everything else is kept
 * byte for byte. Every reference is parsed before the first resolve, so a malformed one fails
 * before any secret is read.
 */
export function renderTemplate(text: string, resolve: (reference: SecretReference) => string): string {
  const found = findTemplateReferences(text);
  let out = "";
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + resolve(f.reference);
    at = f.end;
  }
  return out + text.slice(at);
}
