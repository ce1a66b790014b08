// How the fast path starts jsii's kernel (istio_mesh.runtime.kernel copies
// this file next to a copy of the kernel and points JSII_RUNTIME at it; only
// the app entry points and a library user who calls
// istio_mesh.runtime.fast_path.enable() get it).
//
// The kernel runs in this process, reading requests on standard input and
// answering on standard output, where jsii's own launcher would have started
// it as a second process and relayed every message. Everything else is kept
// as that launcher does it: jsii's own Node-version check runs first (a file
// cut from jsii's launcher, written beside this one), and what the kernel's
// code prints reaches Python framed as jsii's launcher frames it (one JSON
// line per chunk, {"stderr": base64} or {"stdout": base64}), so jsii's Python
// side prints it as text.
//
// Before the kernel starts, it removes three costs a Python program pays for
// and never uses (docs/performance.md). The first two are hooks registered
// with Node's documented module.registerHooks, each applied only to the
// package versions in VERIFIED; where one does not apply, it says so in one
// line on standard error (synthesis is then slower, never different):
//
// 1. A provider binding's lib/index.js requires every one of its modules (109
//    for Kubernetes), and the kernel requires the index when the assembly
//    loads: Node compiles them all, as Python's package __init__ would import
//    them all. Here each `exports.x = require("./x")` of such an index becomes
//    a getter that requires the module the first time the kernel looks a type
//    of it up, so only the modules used are compiled, and the same objects
//    are returned as before.
// 2. cdktf records a creation stack for every token (Error.captureStackTrace
//    with no depth limit, then formatted): about a tenth of a synth. Under jsii
//    it names only the kernel's own frames, never a line of the Python
//    program, and it is read only to word an error. CDK Terrain skips it when
//    CDKTN_DISABLE_CREATION_STACK is 1 (its documented switch, set here unless
//    set already); cdktf 0.21, which has no switch, gets the same behaviour.
// 3. The kernel puts each package of its cache into its node_modules with one
//    symlink where Node preserves symlinks, which it learns from node's
//    command line (jsii's relay passes --preserve-symlinks there); the fast
//    path passes it in NODE_OPTIONS, so the launcher adds it to
//    process.execArgv. Otherwise the kernel hard-links every file of every
//    package and unlinks them all at exit: about a fifth of a prod synth.
"use strict";

const fs = require("fs");
const path = require("path");
const Module = require("module");
const { Writable } = require("stream");

const CREATION_STACK_SWITCH = "CDKTN_DISABLE_CREATION_STACK";
const PROVIDER_INDEX = /[\\/]node_modules[\\/](@cdkt[fn][\\/]provider-[^\\/]+)[\\/]lib[\\/]index\.js$/;
const CDKTF_STACK_TRACE = /[\\/]node_modules[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/;
// The package versions each hook was verified on (their files' shapes are
// tested against the installed tarballs); any other version is left alone.
const VERIFIED = {
    "@cdktf/provider-helm": ["12.1.2"],
    "@cdktf/provider-kubernetes": ["12.1.1"],
    "@cdktn/provider-helm": ["15.1.0"],
    "@cdktn/provider-kubernetes": ["17.1.0"],
    "cdktf": ["0.21.0"],
};
// `exports.manifest = require("./manifest");` (cdktf's bindings) or
// `exports.manifest = __importStar(require("./manifest/index"));` (CDK Terrain's).
const EAGER_EXPORT = /^exports\.([A-Za-z_$][\w$]*) = ((?:__importStar\()?require\("\.\/[\w./-]+"\)\)?);$/gm;
const LAZY_HELPER = `
function __istioMeshLazyExport(target, name, load) {
    let value;
    let loaded = false;
    Object.defineProperty(target, name, {
        enumerable: true,
        configurable: true,
        get() {
            if (!loaded) {
                value = load();
                loaded = true;
            }
            return value;
        },
    });
}
`;
const DISABLE_CREATION_STACK = `
;if (typeof exports.captureStackTrace === "function"
    && ["1", "true"].includes(process.env.${CREATION_STACK_SWITCH})) {
    exports.captureStackTrace = function captureStackTrace() { return []; };
}
`;

const told = new Set();

/** One line on standard error, once per subject: a speed-up that did not apply. */
function notApplied(subject, why) {
    if (told.has(subject)) {
        return;
    }
    told.add(subject);
    process.stderr.write(`istio-mesh: ${why}; synthesis is slower but unchanged\n`);
}

/** The index's source with each eager `exports.x = require(...)` made lazy. */
function lazyIndex(source) {
    let count = 0;
    const lazy = source.replace(EAGER_EXPORT, (_, name, load) => {
        count += 1;
        return `__istioMeshLazyExport(exports, ${JSON.stringify(name)}, () => ${load});`;
    });
    return count === 0 ? source : lazy + LAZY_HELPER;
}

/** The name and version in the package.json of the package a lib/ file belongs to. */
function packageOf(filename) {
    let folder = path.dirname(filename);
    while (path.basename(folder) !== "lib") {
        folder = path.dirname(folder);
    }
    try {
        const manifest = JSON.parse(fs.readFileSync(path.join(folder, "..", "package.json"), "utf8"));
        return { name: manifest.name, version: manifest.version };
    } catch {
        return { name: undefined, version: undefined };
    }
}

function verified(name, version) {
    return (VERIFIED[name] ?? []).includes(version);
}

/** The source a hooked file is compiled from; `source` itself where no hook applies. */
function hookedSource(filename, source) {
    const index = PROVIDER_INDEX.exec(filename);
    if (index) {
        const { name, version } = packageOf(filename);
        if (!verified(name, version)) {
            notApplied(index[1], `${name}@${version} is not a version the lazy provider index was verified on`
                + ` (${(VERIFIED[index[1]] ?? []).join(", ") || "none"}), so all of its modules are compiled`);
            return source;
        }
        const lazy = lazyIndex(source);
        if (lazy === source) {
            notApplied(index[1], `${name}@${version}'s lib/index.js has no line the lazy provider index`
                + " understands, so all of its modules are compiled");
        }
        return lazy;
    }
    if (CDKTF_STACK_TRACE.test(filename)) {
        const { version } = packageOf(filename);
        if (!verified("cdktf", version)) {
            notApplied("cdktf", `cdktf@${version} is not a version whose creation stacks were verified`
                + ` (${VERIFIED.cdktf.join(", ")}), so each token records one`);
            return source;
        }
        return source + DISABLE_CREATION_STACK;
    }
    return source;
}

/** Register the two hooks (Node's documented synchronous module hooks). */
function install() {
    if (process.env[CREATION_STACK_SWITCH] === undefined) {
        process.env[CREATION_STACK_SWITCH] = "1";
    }
    if (typeof Module.registerHooks !== "function") {
        notApplied("registerHooks", `Node ${process.version} has no module.registerHooks (Node 22.15 or`
            + " newer has), so every provider module is compiled and each token records a creation stack");
        return;
    }
    Module.registerHooks({
        load(url, context, nextLoad) {
            const result = nextLoad(url, context);
            if (!url.startsWith("file:") || result.source === undefined || result.source === null) {
                return result;
            }
            const filename = require("url").fileURLToPath(url);
            if (!PROVIDER_INDEX.test(filename) && !CDKTF_STACK_TRACE.test(filename)) {
                return result;
            }
            const source = String(result.source);
            const hooked = hookedSource(filename, source);
            return hooked === source ? result : { ...result, source: hooked };
        },
    });
}

/**
 * Tell the kernel that Node preserves symlinks when NODE_OPTIONS says so.
 *
 * The kernel reads `process.execArgv` (the flags on node's command line,
 * where jsii's relay puts --preserve-symlinks) to choose how it puts each
 * package from its cache into its temporary node_modules: one symlink per
 * package if Node preserves symlinks, else a hard link per file (thousands
 * for the Kubernetes bindings), removed again file by file at exit. A flag
 * given in NODE_OPTIONS is in force but not in execArgv.
 */
function preserveSymlinksInExecArgv() {
    const options = (process.env.NODE_OPTIONS ?? "").split(/\s+/);
    if (options.includes("--preserve-symlinks") && !process.execArgv.includes("--preserve-symlinks")) {
        process.execArgv.push("--preserve-symlinks");
    }
}

/**
 * Frame what the kernel's code prints as jsii's launcher frames its child's
 * output: one JSON line per chunk on standard error, which jsii's Python side
 * decodes and prints as text. Standard output carries the kernel's answers,
 * so what is printed there goes framed as "stdout" instead.
 */
function frameOutput() {
    const write = process.stderr.write.bind(process.stderr);
    const framed = (key) => (chunk, encoding, callback) => {
        if (typeof encoding === "function") {
            callback = encoding;
            encoding = undefined;
        }
        const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), encoding);
        return write(`${JSON.stringify({ [key]: data.toString("base64") })}\n`, callback);
    };
    const stdout = new Writable({
        write(chunk, encoding, callback) {
            framed("stdout")(chunk, encoding, () => callback());
        },
    });
    Object.defineProperty(process, "stdout", { configurable: true, get: () => stdout });
    process.stderr.write = framed("stderr");
    // The kernel writes its own debug lines (JSII_DEBUG) straight to file
    // descriptor 2 with fs.writeSync: framed the same way.
    const writeSync = fs.writeSync;
    fs.writeSync = function writeSyncFramed(fd, buffer, offset, length, ...rest) {
        if (fd !== 2 || !Buffer.isBuffer(buffer)) {
            return writeSync.call(fs, fd, buffer, offset, length, ...rest);
        }
        const start = offset ?? 0;
        const data = buffer.subarray(start, length === undefined ? undefined : start + length);
        const frame = Buffer.from(`${JSON.stringify({ stderr: data.toString("base64") })}\n`);
        for (let done = 0; done < frame.length;) {
            done += writeSync.call(fs, 2, frame, done);
        }
        return data.length;
    };
}

/** jsii's own Node-version check, cut from jsii's launcher beside this file. */
function checkNode() {
    const check = path.join(__dirname, "jsii-node-check.js");
    if (fs.existsSync(check)) {
        require(check);
    }
}

module.exports = { install, lazyIndex, hookedSource, preserveSymlinksInExecArgv, frameOutput };

if (require.main === module) {
    frameOutput();
    checkNode();
    preserveSymlinksInExecArgv();
    install();
    require("../lib/program.js");
}
