/**
 * The node's shared JSON configuration ({@link dev.lorehub.node.json.Json}). Depends on nothing of
 * the node's own, so every layer (core, store, remote, runtime, dashboard, CLI) may use it.
 */
package dev.lorehub.node.json;
