// Jockey's two tools as real LangChain tools, so the server reports them as on_tool_start / on_tool_end.
import { tool } from "@langchain/core/tools";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { filesDir, sleep } from "./scenario.js";

const run = promisify(execFile);

const clip = z.object({ index_id: z.string(), video_id: z.string(), start: z.number(), end: z.number() });

export const simpleVideoSearch = tool(
  async ({ query }) => [
    { video_id: "v1", video_title: "Sunrise over the bay", start: 0, end: 1, score: 0.91, confidence: "high" },
    { video_id: "v2", video_title: "Morning fog", start: 2, end: 3, score: 0.83, confidence: "medium" },
  ].map((c) => ({ ...c, query })),
  {
    name: "simple-video-search",
    description: "Searches the index for clips matching the query.",
    schema: z.object({ query: z.string(), index_id: z.string() }),
  },
);

/** Renders the montage with ffmpeg into the file server's folder and returns the file's path, as Jockey's tool does. */
export const combineClips = tool(
  async ({ clips, output_filename, index_id, fail, slowMs }, config) => {
    const seconds = clips.reduce((sum, c) => sum + Math.max(0, c.end - c.start), 0);
    for (const percent of [25, 50, 75]) {
      await dispatchCustomEvent("progress", { stage: "render", percent, message: `Rendering: ${percent}%` }, config);
      if (slowMs) await sleep(slowMs, config.signal);
    }
    // A custom event of the graph's own, as real graphs dispatch: the API must pass over it (it knows only
    // progress, and the local agent's preview, which no real Jockey server sends).
    await dispatchCustomEvent("render-stats", { clips: clips.length, seconds }, config);
    const folder = path.join(filesDir(), index_id);
    await mkdir(folder, { recursive: true });
    const file = path.join(folder, `${output_filename}_${Date.now().toString(36)}.mp4`);
    const source = fail ? "testsrc=duration=-1" : `testsrc=duration=${seconds}:size=160x120:rate=10`;
    try {
      await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", source, "-pix_fmt", "yuv420p", "-y", file], { signal: config.signal });
    } catch (error) {
      throw new Error(`combine-clips: ffmpeg could not render ${output_filename}: ${(error as { stderr?: string }).stderr?.trim() || String(error)}`);
    }
    return file;
  },
  {
    name: "combine-clips",
    description: "Combines clips into one video.",
    schema: z.object({
      clips: z.array(clip),
      output_filename: z.string(),
      index_id: z.string(),
      fail: z.boolean().optional(),
      slowMs: z.number().optional(),
    }),
  },
);
