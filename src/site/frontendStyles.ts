// GOV.UK Frontend's styles as a service that is not on GOV.UK may use them: GDS Transport, the typeface licensed
// for GOV.UK alone, and the Royal Arms are taken out, and text is set in Arial (Helvetica where Arial is missing),
// as the Design System advises for services off GOV.UK. Done to the published stylesheet once at start-up, since
// rebuilding GOV.UK Frontend from Sass would need a Sass compiler in every install for one variable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../web/projectRoot.js';

export const systemFontStack = 'arial, helvetica, sans-serif';

export function withoutGovukBrand(css: string): string {
  const withoutFaces = css.replace(/@font-face\s*\{[^}]*\}/g, '');
  // A rule drawing the Royal Arms (the footer's copyright logo) goes whole; Headway's footer has none.
  const withoutArms = withoutFaces.replace(/[^{}]*\{[^{}]*govuk-crest[^{}]*\}/g, '');
  return withoutArms.replace(
    /font-family:\s*(["']?)GDS Transport\1\s*,[^;}]*/g,
    `font-family:${systemFontStack}`,
  );
}

let styles: Buffer | undefined;

/** GOV.UK Frontend's stylesheet without GOV.UK's own brand, made once per process. */
export function frontendStyles(): Buffer {
  styles ??= Buffer.from(
    withoutGovukBrand(
      readFileSync(
        join(projectRoot, 'node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css'),
        'utf8',
      ),
    ),
  );
  return styles;
}
