#!/usr/bin/env node
// Build the web root that trytond serves ([web] root): sao as npm installed
// it in node_modules/tryton-sao, plus the project's own files, without
// touching node_modules (a reinstall would lose any change made there).
//
//   node web/build.js OUT_DIR      (bin/lib.sh ensure_web: var/sao-root)
//   node web/build.js --check      (exit 1 if a message of sao's catalogue
//                                   is untranslated in web/locale/*.po)
//
// OUT_DIR gets a relative symbolic link to every entry of sao's package
// but locale/, the site overrides web/custom.js and web/custom.css when they
// exist, and locale/ with a link to each catalogue sao ships
// (locale/<lang>.json) except the languages of web/locale/<lang>.po, which
// are compiled here into locale/<lang>.json, the format sao loads
// (Sao.i18n.setlang: {"": {headers}, msgid: [msgid_plural|null, msgstr...]}).
// Every entry is replaced atomically (written aside, then renamed), so a
// server serving OUT_DIR never sees it half built.
'use strict';
const fs = require('fs');
const path = require('path');

const WEB = __dirname;
const SAO = path.join(WEB, 'node_modules', 'tryton-sao');
const LOCALE = path.join(WEB, 'locale');
const SITE_FILES = ['custom.js', 'custom.css'];
const TMP_PREFIX = '.tmp-';

function unquote(text, file, number) {
    const match = /^"(.*)"\s*$/.exec(text);
    if (!match) {
        throw new Error(`${file}:${number}: expected a quoted string`);
    }
    return match[1].replace(/\\(.)/g, (_, c) => (
        {n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\'}[c] ?? c));
}

// The entries of a .po file: [{msgctxt, msgid, msgid_plural, msgstr: [],
// fuzzy}], the header included (msgid "").
function parsePo(file) {
    const entries = [];
    let entry = null;
    let field = null;
    const flush = () => {
        if (entry && entry.msgid !== undefined) {
            entries.push(entry);
        }
        entry = null;
        field = null;
    };
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
    lines.forEach((raw, index) => {
        const line = raw.trim();
        const number = index + 1;
        if (!line) {
            flush();
            return;
        }
        if (line.startsWith('#~')) {  // obsolete
            flush();
            return;
        }
        if (line.startsWith('#')) {
            if (entry && entry.msgid !== undefined) {
                flush();
            }
            entry = entry || {msgstr: [], fuzzy: false};
            if (line.startsWith('#,') && /\bfuzzy\b/.test(line)) {
                entry.fuzzy = true;
            }
            return;
        }
        const match = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$/
            .exec(line);
        if (match) {
            const [, keyword, index_, value] = match;
            if ((keyword === 'msgctxt' || keyword === 'msgid')
                    && entry && entry.msgid !== undefined) {
                flush();
            }
            entry = entry || {msgstr: [], fuzzy: false};
            const text = unquote(value, file, number);
            if (keyword.startsWith('msgstr')) {
                field = ['msgstr', index_ === undefined ? 0 : Number(index_)];
                entry.msgstr[field[1]] = text;
            } else {
                field = [keyword];
                entry[keyword] = text;
            }
            return;
        }
        if (line.startsWith('"') && entry && field) {
            const text = unquote(line, file, number);
            if (field[0] === 'msgstr') {
                entry.msgstr[field[1]] += text;
            } else {
                entry[field[0]] += text;
            }
            return;
        }
        throw new Error(`${file}:${number}: cannot parse "${raw}"`);
    });
    flush();
    return entries;
}

function headers(entries) {
    const header = entries.find((e) => e.msgid === '' && !e.msgctxt);
    const result = {};
    for (const line of ((header && header.msgstr[0]) || '').split('\n')) {
        const at = line.indexOf(':');
        if (at > 0) {
            result[line.slice(0, at).trim().toLowerCase()] =
                line.slice(at + 1).trim();
        }
    }
    return result;
}

// The JSON that sao's Sao.i18n.setlang loads for the catalogue lang.po
function compile(file, lang) {
    const entries = parsePo(file);
    const meta = headers(entries);
    const data = {'': {
        'language': meta['language'] || lang,
        'plural-forms': meta['plural-forms'] || 'nplurals=2; plural=(n!=1);',
        'content-type': 'text/plain; charset=utf-8',
    }};
    let count = 0;
    for (const entry of entries) {
        if (entry.msgid === '' || entry.fuzzy) {
            continue;
        }
        const forms = entry.msgstr.filter((s) => s !== undefined);
        if (!forms.length || forms.some((s) => !s)) {
            continue;  // untranslated: sao shows the English source
        }
        const key = entry.msgctxt !== undefined
            ? `${entry.msgctxt}\u0004${entry.msgid}` : entry.msgid;
        if (entry.msgid_plural !== undefined) {
            // sao turns a value of length 2 into a string, which gettext.js
            // ignores for a plural message: repeat a language's only form.
            if (forms.length === 1) {
                forms.push(forms[0]);
            }
            data[key] = [entry.msgid_plural, ...forms];
        } else {
            data[key] = [null, forms[0]];
        }
        count += 1;
    }
    return {json: JSON.stringify(data), count};
}

function replace(target, make) {
    const tmp = path.join(path.dirname(target),
        `${TMP_PREFIX}${process.pid}-${path.basename(target)}`);
    fs.rmSync(tmp, {force: true});
    make(tmp);
    fs.renameSync(tmp, target);
}

function link(target, source) {
    const relative = path.relative(path.dirname(target), source);
    let current = null;
    try {
        current = fs.readlinkSync(target);
    } catch (error) {
        if (error.code !== 'ENOENT' && error.code !== 'EINVAL') {
            throw error;
        }
    }
    if (current !== relative) {
        replace(target, (tmp) => fs.symlinkSync(relative, tmp));
    }
}

function writeFile(target, content) {
    try {
        if (fs.readFileSync(target, 'utf8') === content) {
            return;
        }
    } catch (error) {
        if (error.code !== 'ENOENT') {
            throw error;
        }
    }
    replace(target, (tmp) => fs.writeFileSync(tmp, content));
}

// Remove what directory holds besides the names of keep (and the files a
// concurrent build is writing)
function prune(directory, keep) {
    for (const name of fs.readdirSync(directory)) {
        if (!keep.has(name) && !name.startsWith(TMP_PREFIX)) {
            fs.rmSync(path.join(directory, name), {recursive: true, force: true});
        }
    }
}

function ownLanguages() {
    if (!fs.existsSync(LOCALE)) {
        return [];
    }
    return fs.readdirSync(LOCALE).filter((name) => name.endsWith('.po'))
        .map((name) => name.slice(0, -3)).sort();
}

function build(out) {
    if (!fs.existsSync(path.join(SAO, 'index.html'))) {
        throw new Error(`sao is not installed in ${SAO} (npm ci in ${WEB})`);
    }
    fs.mkdirSync(path.join(out, 'locale'), {recursive: true});
    const keep = new Set(['locale']);
    for (const name of fs.readdirSync(SAO)) {
        if (name !== 'locale') {
            link(path.join(out, name), path.join(SAO, name));
            keep.add(name);
        }
    }
    for (const name of SITE_FILES) {
        if (fs.existsSync(path.join(WEB, name))) {
            link(path.join(out, name), path.join(WEB, name));
            keep.add(name);
        }
    }
    prune(out, keep);

    const localeOut = path.join(out, 'locale');
    const own = ownLanguages();
    const keepLocale = new Set();
    for (const name of fs.readdirSync(path.join(SAO, 'locale'))) {
        if (name.endsWith('.json') && !own.includes(name.slice(0, -5))) {
            link(path.join(localeOut, name), path.join(SAO, 'locale', name));
            keepLocale.add(name);
        }
    }
    const counts = [];
    for (const lang of own) {
        const {json, count} = compile(path.join(LOCALE, `${lang}.po`), lang);
        writeFile(path.join(localeOut, `${lang}.json`), json);
        keepLocale.add(`${lang}.json`);
        counts.push(`${lang} ${count}`);
    }
    prune(localeOut, keepLocale);
    return counts;
}

// The msgids of sao's catalogue that lang.po leaves untranslated
function untranslated(lang) {
    const translated = new Set();
    for (const entry of parsePo(path.join(LOCALE, `${lang}.po`))) {
        if (!entry.fuzzy && entry.msgstr.length
                && entry.msgstr.every((s) => s)) {
            translated.add(`${entry.msgctxt}\u0004${entry.msgid}`);
        }
    }
    return parsePo(path.join(SAO, 'locale', 'messages.pot'))
        .filter((e) => e.msgid !== '')
        .filter((e) => !translated.has(`${e.msgctxt}\u0004${e.msgid}`))
        .map((e) => e.msgid);
}

function main(argv) {
    if (argv[0] === '--check') {
        let missing = 0;
        for (const lang of ownLanguages()) {
            const msgids = untranslated(lang);
            console.log(`web/locale/${lang}.po: ${msgids.length} untranslated`);
            for (const msgid of msgids) {
                console.log(`  ${JSON.stringify(msgid)}`);
            }
            missing += msgids.length;
        }
        return missing ? 1 : 0;
    }
    if (argv.length !== 1) {
        console.error('usage: node web/build.js OUT_DIR | --check');
        return 2;
    }
    const counts = build(path.resolve(argv[0]));
    console.log(`web root ${argv[0]}: sao ${
        JSON.parse(fs.readFileSync(path.join(SAO, 'package.json'))).version}`
        + `, messages translated: ${counts.join(', ') || 'none'}`);
    return 0;
}

try {
    process.exitCode = main(process.argv.slice(2));
} catch (error) {
    console.error(`web/build.js: ${error.message}`);
    process.exitCode = 1;
}
