// Where to go after signing in: only a path on this site, so a crafted link cannot send people elsewhere.

function hasControlCharacter(text: string): boolean {
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string') return '/plans';
  // One leading slash and no second slash or backslash after it ("//evil", "/\evil" go elsewhere).
  if (
    !/^\/(?![/\\])/.test(value) ||
    value.includes('\\') ||
    hasControlCharacter(value) ||
    value.length > 2000
  )
    return '/plans';
  if (value.startsWith('/sign-in') || value.startsWith('/sign-out')) return '/plans';
  return value;
}
