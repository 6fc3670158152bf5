// Reads Prometheus text exposition format on stdin and prints it parsed, as JSON (MetricsFormatTest).
// A line the parser cannot read makes it throw: the test then fails with the parser's message.
'use strict';
const parse = require('parse-prometheus-text-format');
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { text += chunk; });
process.stdin.on('end', () => {
  try {
    process.stdout.write(JSON.stringify(parse(text)));
  } catch (e) {
    process.stderr.write('parse failed: ' + e.message + '\n');
    process.exit(3);
  }
});
