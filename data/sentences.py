#!/usr/bin/env python3
"""Plain prose sentences from documents, for the trainer's --extra-text.

Used by the derive.sh scripts under data/. Reads documents in one of three forms,

  html [FILE...]    HTML pages: the text of paragraphs and list items; code, commands, file names,
                    keys, preformatted blocks, tables, headings and navigation left out
  mallard [FILE...] Mallard help pages (GNOME): the text of <p> elements, likewise
  text              standard input, one paragraph per line

(html and mallard read the file names from standard input, one per line, when none is given)

splits the paragraphs into sentences and writes to standard output, once each, the sentences that
read as plain modern prose a learner could be given back:

- 4 to 60 words, beginning with a capital letter and ending with '.', '?' or '!';
- nothing that was marked as code, a key, a file or a command, no URL, e-mail address or path, none
  of the characters <>|_=*~^{}[]\\#/@$+, no word in camel case or of letters and digits, no '--',
  '...', '!!' or '??', no symbol outside letters, ASCII and dashes, no heading run into its text
  nor label before it;
- none of the commonest words of French, German, Spanish, ... prose ("est", "und", "der");
- quotes and brackets balanced, at most 30% capital letters, at most a third of the words
  capitalised names unknown to the word list, and every lower-case word known to
  data/lexicon (words.txt, the irregular forms of noun.exc and irregular-verbs.tsv): the
  same test the trainer applies (SyntheticErrors.usable), so that nothing shipped is wasted;
- not one of the held-out sentences (data/ud-ewt dev and test, data/jfleg-dev sources and
  references), compared on letters and digits alone.

Counts go to standard error. Curly quotes become straight ones.
"""
import html.parser
import os
import re
import sys

DATA = os.path.dirname(os.path.abspath(__file__))
MIN_WORDS, MAX_WORDS = 4, 60

# ---- documents to paragraphs --------------------------------------------------------------------

CODE = "\x00"  # stands for text that must not reach a sentence (code, keys, file names, ...)

HTML_BLOCK = {"p", "div", "li", "dd", "dt", "br", "td", "th", "tr", "table", "ul", "ol", "dl",
              "blockquote", "section", "article", "aside", "h1", "h2", "h3", "h4", "h5", "h6",
              "pre", "header", "footer", "nav", "figure", "figcaption", "caption", "hr", "title"}
HTML_SKIP = {"pre", "script", "style", "head", "table", "nav", "h1", "h2", "h3", "h4", "h5", "h6",
             "header", "footer", "figure", "math", "svg", "textarea", "select", "button", "form"}
HTML_CODE = {"code", "kbd", "tt", "samp", "var", "img", "sup", "sub"}
# class names (DocBook, Sphinx) whose elements are code, commands, options or file names
HTML_CODE_CLASSES = {"command", "filename", "literal", "option", "replaceable", "userinput",
                     "computeroutput", "varname", "parameter", "function", "envar", "systemitem",
                     "package", "keycap", "keycombo", "guimenu", "prompt", "classname", "methodname",
                     "property", "uri", "email", "programlisting", "screen", "synopsis", "pre",
                     "docutils literal", "xref std std-ref", "sig", "highlight", "guilabel",
                     "menuselection", "productname", "citerefentry", "refentrytitle", "footnote",
                     "titlepage", "docnav", "toc", "index", "headerlink", "navigation",
                     "related", "sphinxsidebar", "footer", "indexentry", "term"}


class _HtmlParagraphs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs, self.buf = [], []
        self.stack = []  # (tag, skip, code) of open elements

    def _flush(self):
        text = "".join(self.buf)
        self.buf = []
        if text.strip():
            self.paragraphs.append(text)

    def _state(self):
        skip = any(s for _, s, _ in self.stack)
        code = any(c for _, _, c in self.stack)
        return skip, code

    VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split()) | {attrs.get("class") or ""}
        skip = tag in HTML_SKIP or bool(classes & {"titlepage", "docnav", "toc", "index",
                                                   "sphinxsidebar", "related", "footer", "navigation",
                                                   "headerlink", "footnote", "highlight", "sig"})
        code = tag in HTML_CODE or bool(classes & HTML_CODE_CLASSES)
        if tag in HTML_BLOCK:
            self._flush()
        if tag in self.VOID:
            if code and not self._state()[0]:
                self.buf.append(CODE)
            return
        self.stack.append((tag, skip, code))
        if code and not self._state()[0]:
            self.buf.append(CODE)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag in HTML_BLOCK:
            self._flush()

    def handle_data(self, data):
        skip, code = self._state()
        if not skip and not code:
            self.buf.append(data)

    def close(self):
        super().close()
        self._flush()


def html_paragraphs(path):
    parser = _HtmlParagraphs()
    with open(path, encoding="utf-8", errors="replace") as f:
        parser.feed(f.read())
    parser.close()
    return parser.paragraphs


# Mallard: <p> holds the prose; inline elements that are code, keys, GUI paths or images become CODE.
MALLARD_CODE = {"cmd", "code", "file", "input", "output", "key", "keyseq", "var", "sys", "media",
                "guiseq", "screen", "em"}
MALLARD_SKIP = {"info", "title", "subtitle", "desc", "code", "screen", "table", "terms", "synopsis",
                "comment", "media"}


def mallard_paragraphs(path):
    import xml.etree.ElementTree as ET
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        print(f"skipped {path}: {e}", file=sys.stderr)
        return []
    local = lambda tag: tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
    out = []

    def inline(el):
        parts = [el.text or ""]
        for child in el:
            name = local(child.tag)
            if name in MALLARD_CODE:
                parts.append(CODE)
            elif name == "link" and not "".join(child.itertext()).strip():
                parts.append(CODE)  # an empty link shows the target's title: unknown here
            else:
                parts.append(inline(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def walk(el):
        name = local(el.tag)
        if name in MALLARD_SKIP:
            return
        if name == "p":
            out.append(inline(el))
            return
        for child in el:
            walk(child)

    walk(root)
    return out


# ---- paragraphs to sentences -------------------------------------------------------------------

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
                        "\u2009": " ", "\u202f": " ", "\u00ad": None, "\u200b": None})
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "inc", "ltd", "co",
                 "corp", "no", "nos", "fig", "figs", "vol", "gen", "gov", "sen", "rep", "rev", "lt",
                 "col", "capt", "mt", "ft", "approx", "dept", "univ", "jan", "feb", "mar", "apr", "jun",
                 "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "cf", "al", "u.s",
                 "u.k", "u.n", "a.m", "p.m", "ph.d", "sgt", "cpl", "pvt", "adm", "messrs", "hon", "op",
                 "ch", "sec", "art", "pp"}
BOUNDARY = re.compile(r"""([.?!]['")\]]*)\s+(?=['"(]?[A-Z0-9])""")


def split_sentences(paragraph):
    text = re.sub(r"\s+", " ", paragraph.translate(QUOTES)).strip()
    sentences, start = [], 0
    for m in BOUNDARY.finditer(text):
        before = text[start:m.start(1)]
        last = re.search(r"(\S+)$", before)
        word = last.group(1).lower().lstrip("(\"'") if last else ""
        if m.group(1).startswith(".") and (word in ABBREVIATIONS or re.fullmatch(r"[a-z]", word)
                                           or re.fullmatch(r"([a-z]\.)+[a-z]", word)):
            continue  # "Mr. Smith", "John F. Kennedy", "U.S. Senate"
        sentences.append(text[start:m.end(1)].strip())
        start = m.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


# ---- the filter --------------------------------------------------------------------------------

def _lines(path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def load_lexicon():
    lex = os.path.join(DATA, "lexicon")
    words = set(_lines(os.path.join(lex, "words.txt")))
    words |= {l.split()[0] for l in _lines(os.path.join(lex, "noun.exc"))}
    for l in _lines(os.path.join(lex, "irregular-verbs.tsv")):
        for field in l.split("\t"):
            words |= set(field.split("|"))
    return words


def key(sentence):
    """A sentence reduced to lower-case letters and digits, to compare tokenised and printed text."""
    return "".join(c for c in sentence.lower() if c.isalnum())


def load_held_out():
    files = [os.path.join(DATA, "ud-ewt", n) for n in ("dev.txt", "test.txt")]
    jfleg = os.path.join(DATA, "jfleg-dev")
    files += [os.path.join(jfleg, n) for n in sorted(os.listdir(jfleg))]
    return {key(l) for path in files for l in _lines(path)}


WORD = re.compile(r"[0-9]+(?:[.,:][0-9]+)+|[^\W_](?:[^\W_]|['\-](?=[^\W_]))*")
BAD_CHARS = set("<>|_=*~^{}[]\\#/@$+\t" + CODE)
# maxBytes, CommandCtrl, lib2to3 (but McAfee, and 3rd through ORDINAL)
CODE_WORD = re.compile(r"^(?!Ma?c[A-Z])[A-Za-z]*[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z]")
ORDINAL = re.compile(r"[0-9]+(st|nd|rd|th|s)")
# Common words of French, German, Spanish, Italian, Dutch and Scandinavian prose that are not English
# words too: the word list takes "Ceci est un test." for English, with "un" and "est" in it. Written
# in lower case, or first in the sentence ("UN", "El Salvador" and "Los Angeles" are English).
FOREIGN = {"c'est", "est", "une", "les", "et", "des", "du", "que", "ceci", "donc", "der", "das",
           "und", "ist", "dem", "wenn", "nicht", "los", "las", "el", "il", "di", "che", "della", "och",
           "det", "og", "het", "een", "ein", "eine", "zu", "auf", "mit", "la", "le", "un"}
# a colon after these is inside a sentence ("I say again: ..."), not after a label
CLAUSE_WORDS = {"i", "we", "you", "he", "she", "it", "they", "this", "that", "these", "those", "there",
                "is", "are", "was", "were", "say", "says", "said"}
URLISH = re.compile(r"https?|www\.|://|\.(com|org|net|edu|gov|io)\b", re.I)


def is_known(word, words):
    w = word.lower()
    if w[0].isdigit() or w in words:
        return True
    if w.endswith("'s") and len(w) > 2:
        return is_known(w[:-2], words)
    if w.endswith("s'") and len(w) > 2:
        return is_known(w[:-1], words)
    if "-" in w:
        return all(p and is_known(p, words) for p in w.split("-"))
    return False


def rejection(s, words):
    """Why a sentence is not kept (a short reason), or None to keep it."""
    if not s or not s[0].isupper() or not s[0].isascii():
        return "no capital start"
    if s[-1] not in ".?!":
        return "no final stop"
    if any(c in BAD_CHARS for c in s) or URLISH.search(s):
        return "code, path or URL"
    if "--" in s or ".." in s or "!!" in s or "??" in s or "?!" in s:
        return "odd punctuation"
    if s.count('"') % 2 or s.count("(") != s.count(")") or re.search(r"(^|\s)'|'(\s|[.,;:?!]|$)", s.replace("s' ", "s ")):
        return "unbalanced quotes"
    if any(not (" " <= c <= "~" or c.isalpha() or c in "\u2014\u2013") for c in s):
        return "odd characters"  # symbols, ellipses, control characters
    tokens = WORD.findall(s)
    if not MIN_WORDS <= len(tokens) <= MAX_WORDS:
        return "too short or long"
    letters = [c for c in s if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) * 10 > len(letters) * 3:
        return "capitals"
    label = re.match(r"([^:]+):", s)
    if label and len(WORD.findall(label.group(1))) <= 3 and not set(WORD.findall(label.group(1).lower())) & CLAUSE_WORDS:
        return "heading"  # "Default: a list of ...", "Result: the ...", a label before its text
    if tokens[0].isupper() and len(tokens[0]) > 2 and (tokens[0].lower() in words or tokens[1].isupper()):
        return "heading"  # "NAVAL FORCES Seapower is ...", a heading run into its paragraph
    if FOREIGN & set(tokens) or tokens[0].lower() in FOREIGN:
        return "not English"
    unknown = 0
    for t in tokens:
        if t == "i":
            return "unknown word"
        if CODE_WORD.search(t) and not ORDINAL.fullmatch(t):
            return "code, path or URL"
        if not is_known(t, words):
            if t == t.lower():
                return "unknown word"
            unknown += 1
    if unknown * 3 > len(tokens):
        return "too many names"
    return None


def main(argv):
    if not argv or argv[0] not in ("html", "mallard", "text"):
        sys.exit("usage: sentences.py html|mallard [FILE...] | text < paragraphs")
    mode, files = argv[0], argv[1:]
    if mode == "text":
        paragraphs = (line for line in sys.stdin)
    else:
        read = html_paragraphs if mode == "html" else mallard_paragraphs
        files = files or [line.rstrip("\n") for line in sys.stdin if line.strip()]
        paragraphs = (p for path in files for p in read(path))
    words, held_out = load_lexicon(), load_held_out()
    seen, reasons, candidates, kept, kept_words = set(), {}, 0, 0, 0
    for paragraph in paragraphs:
        for s in split_sentences(paragraph):
            candidates += 1
            why = rejection(s, words)
            k = key(s)
            if why is None and k in held_out:
                why = "held-out sentence"
            if why is None and k in seen:
                why = "repeat"
            if why:
                reasons[why] = reasons.get(why, 0) + 1
                continue
            seen.add(k)
            kept += 1
            kept_words += len(WORD.findall(s))
            print(s)
    print(f"{candidates} candidate sentences, kept {kept} ({kept_words} words); left out: "
          + ", ".join(f"{n} {why}" for why, n in sorted(reasons.items(), key=lambda e: -e[1])), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
