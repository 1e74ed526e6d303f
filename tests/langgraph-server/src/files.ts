// The file server a real Jockey runs beside LangGraph (port 8124 in its compose file): GET /{index_id}/{file}.
// Mounted into the LangGraph server through langgraph.json's http.app, so one process serves both.
import { Hono } from "hono";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { filesDir } from "./scenario.js";

export const app = new Hono();

app.get("/:index/:file{[^/]+\\.mp4}", async (c) => {
  const { index, file } = c.req.param();
  if (index.includes("..") || file.includes("..")) return c.notFound();
  try {
    const bytes = await readFile(path.join(filesDir(), index, file));
    return c.body(bytes, 200, { "Content-Type": "video/mp4", "Content-Length": String(bytes.length) });
  } catch {
    return c.notFound();
  }
});
