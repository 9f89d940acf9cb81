// What a message about several plans is marked with.

/** The marking of a message about several plans: theirs if they share one, else each named (markings have no order). */
export function combinedMarking(markings: string[]): string {
  const distinct = [
    ...new Set(markings.map((marking) => marking.trim()).filter((marking) => marking !== '')),
  ];
  return distinct.sort().join(' / ');
}
