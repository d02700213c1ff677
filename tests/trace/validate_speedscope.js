// Validates a speedscope JSON file against the schema the `speedscope` npm package ships.
// usage: NODE_PATH=<dir>/node_modules node validate_speedscope.js FILE.json
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const schemaPath = path.join(path.dirname(require.resolve('speedscope/package.json')), 'dist/release/file-format-schema.json');
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
const data = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ajv = new Ajv({allErrors: true, strict: false});
const validate = ajv.compile(schema);
if (!validate(data)) {
  console.error('speedscope schema: ' + JSON.stringify(validate.errors, null, 1));
  process.exit(1);
}
// The schema does not tie samples to frames: check every index names a frame.
const nframes = data.shared.frames.length;
for (const p of data.profiles)
  for (const s of p.samples)
    for (const f of s)
      if (f < 0 || f >= nframes) { console.error('sample frame ' + f + ' out of range'); process.exit(1); }
console.log('valid speedscope file: ' + data.profiles.length + ' profile(s), ' + nframes + ' frames');
