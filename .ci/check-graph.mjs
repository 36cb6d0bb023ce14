// Checks `tributary graph` output with the real parsers: Mermaid's own (the `mermaid` package,
// given a jsdom window: it sanitizes labels with DOMPurify) and Graphviz's (compiled to
// WebAssembly, @hpcc-js/wasm-graphviz, which lays the graph out as SVG).
//
//   node .ci/check-graph.mjs FILE...     FILE.mmd is parsed as Mermaid, FILE.dot as dot
//   node .ci/check-graph.mjs --self-test the checker refuses broken diagrams and takes good ones
//
// Exits 1 when a diagram does not parse (or the self-test fails), naming the file and the error.
import fs from 'node:fs';
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');
const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
const graphviz = await Graphviz.load();

/** The parse error of a diagram, or null when it parses. */
async function problem(kind, text) {
  try {
    if (kind === 'mermaid') {
      const parsed = await mermaid.parse(text);
      if (!parsed || !String(parsed.diagramType).startsWith('flowchart')) {
        return `not a flowchart: ${JSON.stringify(parsed)}`;
      }
    } else {
      graphviz.dot(text, 'svg');
    }
    return null;
  } catch (e) {
    return String(e?.message ?? e);
  }
}

const kindOf = (file) => (file.endsWith('.dot') ? 'dot' : 'mermaid');

const SELF_TEST = [
  // [kind, diagram, should parse]
  ['mermaid', 'flowchart LR\n  subgraph cluster_SA ["A"]\n    A__x["x #quot;y#quot;<br/>z"]\n  end\n  A__x -.->|"on failure"| B__y\n  A__x --o B__y\n', true],
  ['mermaid', 'flowchart LR\n  A["x"y"] --> B\n', false],
  ['mermaid', 'flowchart LR\n  A -->\n', false],
  ['mermaid', 'flowchart LR\n  subgraph S\n    end --> B\n  end\n', false],
  ['mermaid', 'flowchart LR\n  A{{"x"] --> B\n', false],
  ['dot', 'digraph g {\n  subgraph "cluster_SA" { label="A"; "A__x" [label="x \\"y\\"\\nz"]; }\n  "A__x" -> "B__y" [style=dashed];\n}\n', true],
  ['dot', 'digraph g { "a" -> ; }\n', false],
  ['dot', 'digraph g { "a" [label="x"y"]; }\n', false],
];

let failed = 0;
if (process.argv[2] === '--self-test') {
  for (const [kind, text, good] of SELF_TEST) {
    const p = await problem(kind, text);
    if ((p === null) !== good) {
      failed++;
      console.error(`self-test: the ${kind} parser ${good ? `refused a good diagram (${p})` : 'accepted a broken one'}:\n${text}`);
    }
  }
  console.log(`self-test: ${SELF_TEST.length - failed} of ${SELF_TEST.length} cases as expected (broken diagrams refused, good ones parsed)`);
} else {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node .ci/check-graph.mjs FILE.mmd|FILE.dot... | --self-test');
    process.exit(2);
  }
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const p = await problem(kindOf(file), text);
    if (p === null) {
      console.log(`${file}: ${kindOf(file)} parses (${text.split('\n').length - 1} lines)`);
    } else {
      failed++;
      console.error(`${file}: ${kindOf(file)} syntax error:\n${p}`);
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
