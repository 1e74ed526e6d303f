// What a test asks of a run, read from tags in the user's text (the API sends nothing else a test controls):
//   #modern   report tools the modern way (AI message with tool_calls, then ToolMessages) instead of Jockey's
//   #silent   video-editing says nothing for JOCKEY_SILENT_SECONDS before rendering (longer than the API's idle timeout)
//   #wait     video-editing waits until the run is cancelled
//   #fail     combine-clips fails (ffmpeg rejects its input)
//   #long     reflect writes a long reflection
//   #slow     every progress step pauses JOCKEY_SLOW_MS
export type Scenario = { modern: boolean; silent: boolean; wait: boolean; fail: boolean; long: boolean; slow: boolean };

export function scenarioOf(text: string): Scenario {
  const has = (tag: string) => new RegExp(`#${tag}\\b`, "i").test(text);
  return { modern: has("modern"), silent: has("silent"), wait: has("wait"), fail: has("fail"), long: has("long"), slow: has("slow") };
}

/** Resolves after ms, or rejects as soon as the run is cancelled. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("cancelled"));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => { clearTimeout(timer); reject(new Error("cancelled")); }, { once: true });
  });
}

export const filesDir = () => process.env.JOCKEY_FILES_DIR ?? "/tmp/jockey-langgraph-files";
