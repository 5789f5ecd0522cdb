"""The search module of a site whose index is split into shards: Pagefind's search box loads pagefind/pagefind.js,
which is then this module instead of Pagefind's own; it searches every shard and keeps the results one index would give.

It stands for the part of Pagefind's module API the search box uses (options, search, preload, filters, destroy)."""

from __future__ import annotations

SHARD_FILTER = "qlqd_shard"  # the filter that tags each shard's pages in the browser (left out of what the box shows)

_MODULE = """\
// Pagefind's search of a catalogue whose index is split into %(count)d shards (written by generator/outputs/search.py):
// Pagefind's own module of the first shard, with the others merged into it (one WebAssembly for all), each shard
// tagged by a filter with its number and searched on its own. A word that a shard lacks makes Pagefind search that
// shard for the word's longest prefix it holds instead, which one index would not do, since the word is in another
// shard: so only the shards whose best result holds every word of the query are kept (all of them if none does, as
// one index would when no page holds the word), and their results merged by score.
import * as pagefind from "./shard-1/pagefind.js";

const KEY = "%(key)s";
const NUMBERS = Array.from({ length: %(count)d }, (_, n) => String(n + 1));
let settings = {};
let merging = null;

function merged() {
  merging = merging || (async () => {
    await pagefind.options({ mergeFilter: { [KEY]: "1" } });
    for (const number of NUMBERS.slice(1)) {
      const path = new URL("./shard-" + number + "/", import.meta.url).pathname;
      await pagefind.mergeIndex(path, { ...settings, mergeFilter: { [KEY]: number } });
    }
  })();
  return merging;
}

function queryWords(term) {
  const text = (term || "").toLowerCase();
  if (typeof Intl.Segmenter === "undefined") {
    return text.split(/\\s+/).filter(Boolean);
  }
  const segmenter = new Intl.Segmenter(document.documentElement.lang || "zh", { granularity: "word" });
  return Array.from(segmenter.segment(text)).filter((s) => s.isWordLike).map((s) => s.segment);
}

async function holdsEveryWord(result, words) {
  if (!result) {
    return false;
  }
  const text = (await result.data()).content.toLowerCase();
  return words.every((word) => text.includes(word));
}

function addCounts(all) {
  const total = {};
  for (const counts of all) {
    for (const [name, values] of Object.entries(counts || {})) {
      if (name !== KEY) {
        total[name] = total[name] || {};
        for (const [value, count] of Object.entries(values)) {
          total[name][value] = (total[name][value] || 0) + count;
        }
      }
    }
  }
  return total;
}

export async function options(given) {
  settings = { ...settings, ...given };
  await pagefind.options(given);
}

export async function search(term, given = {}) {
  await merged();
  const responses = await Promise.all(
    NUMBERS.map((number) => pagefind.search(term, { ...given, filters: { ...given.filters, [KEY]: number } }))
  );
  const words = queryWords(term);
  const complete = await Promise.all(responses.map((response) => holdsEveryWord(response.results[0], words)));
  const kept = complete.some(Boolean) ? responses.filter((_, n) => complete[n]) : responses;
  return {
    ...responses[0],
    results: kept.flatMap((response) => response.results).sort((a, b) => b.score - a.score),
    unfilteredResultCount: kept.reduce((sum, response) => sum + response.unfilteredResultCount, 0),
    filters: addCounts(kept.map((response) => response.filters)),
    totalFilters: addCounts([responses[0].totalFilters]),
  };
}

export async function preload(term, given = {}) {
  await merged();
  await pagefind.preload(term, given);
}

export async function filters() {
  await merged();
  return addCounts([await pagefind.filters()]);
}

export async function destroy() {
  merging = null;
  await pagefind.destroy();
}
"""


def merge_module(count: int) -> str:
    """The module that stands for Pagefind's in a site of count shards, in pagefind/shard-1/ to shard-{count}/."""
    return _MODULE % {"count": count, "key": SHARD_FILTER}
