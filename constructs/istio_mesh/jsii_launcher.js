// How main.py starts jsii's kernel (istio_mesh.process_lifetime.direct_kernel
// copies this file next to a copy of the kernel and points JSII_RUNTIME at it).
//
// The kernel runs in this process, reading requests on standard input and
// answering on standard output; what the kernel's code prints goes to
// standard error, which jsii's Python side shows, so that it never mixes with
// the answers. Before the kernel starts, it removes three costs a Python
// program pays for and never uses (docs/performance.md); the first two are
// hooks on Node's module loader:
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
//    CDKTN_DISABLE_CREATION_STACK is 1; this sets that switch unless it is set
//    already, and gives cdktf 0.21, which has no switch, the same behaviour.
//    Either hook does nothing where a file does not have the shape it expects.
// 3. The kernel puts each package of its cache into its node_modules with one
//    symlink where Node preserves symlinks, which it learns from node's
//    command line (jsii's relay passes --preserve-symlinks there); main.py
//    passes it in NODE_OPTIONS, so the launcher adds it to process.execArgv.
//    Otherwise the kernel hard-links every file of every package and unlinks
//    them all at exit: about a fifth of a prod synth.
"use strict";

const fs = require("fs");
const Module = require("module");

const CREATION_STACK_SWITCH = "CDKTN_DISABLE_CREATION_STACK";
const PROVIDER_INDEX = /[\\/]node_modules[\\/]@cdkt[fn][\\/]provider-[^\\/]+[\\/]lib[\\/]index\.js$/;
const CDKTF_STACK_TRACE = /[\\/]node_modules[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/;
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

/** The index's source with each eager `exports.x = require(...)` made lazy. */
function lazyIndex(source) {
    let count = 0;
    const lazy = source.replace(EAGER_EXPORT, (_, name, load) => {
        count += 1;
        return `__istioMeshLazyExport(exports, ${JSON.stringify(name)}, () => ${load});`;
    });
    return count === 0 ? source : lazy + LAZY_HELPER;
}

function creationStacksOff() {
    const flag = process.env[CREATION_STACK_SWITCH];
    return flag === "true" || flag === "1";
}

/** Install the two hooks on Node's loader of CommonJS `.js` files. */
function install() {
    if (process.env[CREATION_STACK_SWITCH] === undefined) {
        process.env[CREATION_STACK_SWITCH] = "1";
    }
    const loadJs = Module._extensions[".js"];
    Module._extensions[".js"] = function loadWithHooks(module, filename) {
        if (PROVIDER_INDEX.test(filename)) {
            const source = fs.readFileSync(filename, "utf8");
            const lazy = lazyIndex(source);
            if (lazy !== source) {
                return module._compile(lazy, filename);
            }
        }
        const result = loadJs.call(this, module, filename);
        if (CDKTF_STACK_TRACE.test(filename) && creationStacksOff()
            && typeof module.exports.captureStackTrace === "function") {
            module.exports.captureStackTrace = () => [];
        }
        return result;
    };
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

module.exports = { install, lazyIndex, preserveSymlinksInExecArgv };

if (require.main === module) {
    Object.defineProperty(process, "stdout", { configurable: true, get: () => process.stderr });
    preserveSymlinksInExecArgv();
    install();
    require("../lib/program.js");
}
