// Lists shown a page at a time: which page was asked for, and GOV.UK's pagination links keeping the filters.

/** The page asked for, kept within 1 and the last page; nonsense reads as the first. */
export function pageNumber(asked: string | number | undefined, total: number, pageSize: number): number {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  return Math.min(pageCount, Math.max(1, Number.parseInt(String(asked ?? '1'), 10) || 1));
}

/** The argument of govukPagination, or undefined when everything fits on one page. */
export function paginationLinks(
  path: string,
  filters: Record<string, string | undefined>,
  page: number,
  total: number,
  pageSize: number,
) {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  if (pageCount <= 1) return undefined;
  const kept = Object.fromEntries(
    Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  const href = (n: number) => `${path}?${new URLSearchParams({ ...kept, page: String(n) })}`;
  return {
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pageCount ? { href: href(page + 1) } : undefined,
    items: Array.from({ length: pageCount }, (_, i) => ({
      number: i + 1,
      href: href(i + 1),
      current: i + 1 === page,
    })),
  };
}
