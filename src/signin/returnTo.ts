// Where to go after signing in: only a path on this site, so a crafted link cannot send people elsewhere.

function hasControlCharacter(text: string): boolean {
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** The text with percent-encoding undone as often as it goes (at most a few times); undefined when it will not decode. */
function decoded(value: string): string | undefined {
  let text = value;
  for (let round = 0; round < 3; round++) {
    try {
      const next = decodeURIComponent(text);
      if (next === text) return text;
      text = next;
    } catch {
      return undefined;
    }
  }
  return text;
}

/** Where to go when there is nowhere safe to return to: the home page, which sends each person to where they land. */
const home = '/';

export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string') return home;
  // A proxy or browser that decodes "/%2F%2Fevil" would go elsewhere: the decoded text must be safe too.
  const plain = decoded(value);
  if (plain === undefined || (plain !== value && safeReturnTo(plain) === home)) return home;
  // One leading slash and no second slash or backslash after it ("//evil", "/\evil" go elsewhere).
  if (
    !/^\/(?![/\\])/.test(value) ||
    value.includes('\\') ||
    hasControlCharacter(value) ||
    value.length > 2000
  )
    return home;
  if (value.startsWith('/sign-in') || value.startsWith('/sign-out')) return home;
  return value;
}
