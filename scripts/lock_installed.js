#!/usr/bin/env node
// Exit 0 when node_modules/ already holds what package-lock.json pins, 1 when not.
//
// npm writes node_modules/.package-lock.json after every install, whoever ran
// it, so an `npm ci` the user ran by hand counts as much as one make ran: what
// is compared is content (each package's version and integrity), never a
// time stamp. --omit=optional: optional packages (the pinned Node) may be
// missing. Otherwise only optional packages for another platform may be
// (npm skips those, e.g. fsevents on Linux). Packages the lock does not name
// are left alone: they cannot change what it pins.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const omitOptional = process.argv.includes("--omit=optional");

function packages(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")).packages || {};
  } catch {
    return null;
  }
}

function forThisPlatform(entry) {
  const fits = (list, value) =>
    !list || (list.includes(value) || (list.some((v) => v.startsWith("!")) && !list.includes(`!${value}`)));
  return fits(entry.os, process.platform) && fits(entry.cpu, process.arch);
}

const locked = packages(path.join(root, "package-lock.json"));
const installed = packages(path.join(root, "node_modules", ".package-lock.json"));
if (!locked || !installed) process.exit(1);

for (const [name, entry] of Object.entries(locked)) {
  if (name === "") continue; // the project itself
  const have = installed[name];
  if (!have) {
    if (entry.optional && (omitOptional || !forThisPlatform(entry))) continue;
    process.exit(1);
  }
  if (have.version !== entry.version || (entry.integrity && have.integrity !== entry.integrity)) process.exit(1);
  if (!fs.existsSync(path.join(root, name))) process.exit(1); // deleted by hand since
}
process.exit(0);
