// A graph shaped like Twelve Labs' Jockey: supervisor → planner → video-search → video-editing → reflect.
// State keys and message shapes follow Jockey (chat_history, next_worker, made_plan, active_plan); tests pick the
// behaviour with tags in the user's text (see scenario.ts).
import { Annotation, END, START, StateGraph, messagesStateReducer } from "@langchain/langgraph";
import { AIMessage, BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { combineClips, simpleVideoSearch } from "./tools.js";
import { scenarioOf, sleep, type Scenario } from "./scenario.js";

const State = Annotation.Root({
  chat_history: Annotation<BaseMessage[]>({ reducer: messagesStateReducer, default: () => [] }),
  index_id: Annotation<string>(),
  next_worker: Annotation<string | null>(),
  made_plan: Annotation<boolean>(),
  active_plan: Annotation<string | null>(),
});
type S = typeof State.State;

const WORKERS = ["planner", "video-search", "video-editing", "reflect"] as const;

/** The messages of this request: everything after the last message from the user. */
function thisTurn(state: S): BaseMessage[] {
  const history = state.chat_history;
  const last = history.map((m) => m.name).lastIndexOf("user");
  return history.slice(last + 1);
}

const request = (state: S) => state.chat_history.filter((m) => m.name === "user").at(-1)?.content.toString() ?? "";
const scenario = (state: S): Scenario => scenarioOf(request(state));

function supervisor(state: S) {
  const done = new Set(thisTurn(state).map((m) => m.name));
  const next = WORKERS.find((worker) => !done.has(worker)) ?? "FINISH";
  const instruction: Record<string, string> = {
    "video-search": "Search the index for clips that match the request.",
    "video-editing": "Combine the clips that were found into one video.",
  };
  return {
    next_worker: next,
    chat_history: instruction[next] ? [new HumanMessage({ content: instruction[next], name: "instructor" })] : [],
  };
}

function planner(state: S) {
  const plan = "Plan: 1. search the index for matching clips 2. combine them into one video 3. reflect on the result.";
  return { made_plan: true, active_plan: plan, chat_history: [new HumanMessage({ content: plan, name: "planner" })] };
}

/** Reports a tool call the way the scenario asks: Jockey's named HumanMessage, or an AI tool call plus a ToolMessage. */
function report(worker: string, modern: boolean, name: string, args: object, output: unknown): BaseMessage[] {
  const id = `call_${name}_${Date.now().toString(36)}`;
  const content = typeof output === "string" ? output : JSON.stringify(output);
  if (modern) {
    return [
      new AIMessage({ content: "", name: worker, tool_calls: [{ id, name, args: args as Record<string, unknown>, type: "tool_call" }] }),
      new ToolMessage({ content, tool_call_id: id, name }),
    ];
  }
  return [new HumanMessage({ content: JSON.stringify([{ name, args, id, type: "tool_call", output }]), name: worker })];
}

async function videoSearch(state: S, config: RunnableConfig) {
  const args = { query: request(state).replace(/#\w+/g, "").trim(), index_id: state.index_id };
  const clips = await simpleVideoSearch.invoke(args, config);
  return { chat_history: report("video-search", scenario(state).modern, "simple-video-search", args, clips) };
}

async function videoEditing(state: S, config: RunnableConfig) {
  const s = scenario(state);
  if (s.wait) await sleep(10 * 60_000, config.signal);
  // A long render that prints nothing: LangGraph's server sends no heartbeat, so the stream is silent throughout.
  if (s.silent) await sleep(Number(process.env.JOCKEY_SILENT_SECONDS ?? "8") * 1000, config.signal);
  const args = {
    clips: [
      { index_id: state.index_id, video_id: "v1", start: 0, end: 1 },
      { index_id: state.index_id, video_id: "v2", start: 2, end: 3 },
    ],
    output_filename: "montage",
    index_id: state.index_id,
    ...(s.fail ? { fail: true } : {}),
    ...(s.slow ? { slowMs: Number(process.env.JOCKEY_SLOW_MS ?? "300") } : {}),
  };
  const file = await combineClips.invoke(args, config);
  return { chat_history: report("video-editing", s.modern, "combine-clips", args, file) };
}

const LONG = Array.from({ length: 40 }, (_, i) => `Clip ${i + 1} holds the light a moment longer than the last.`).join(" ");

async function reflect(state: S, config: RunnableConfig) {
  const text = scenario(state).long ? `Here is your video. ${LONG}` : "Here is your video: two clips, about two seconds in all.";
  // A real LangChain chat model that streams its answer token by token (on_chat_model_stream, messages mode).
  const model = new FakeListChatModel({ responses: [text] });
  const answer = await model.invoke([new HumanMessage("Reflect on the video you made.")], config);
  return { chat_history: [new AIMessage({ content: answer.content, id: answer.id, name: "reflect" })] };
}

export const graph = new StateGraph(State)
  .addNode("supervisor", supervisor)
  .addNode("planner", planner)
  .addNode("video-search", videoSearch)
  .addNode("video-editing", videoEditing)
  .addNode("reflect", reflect)
  .addEdge(START, "supervisor")
  .addConditionalEdges("supervisor", (state: S) => state.next_worker ?? "FINISH", {
    planner: "planner",
    "video-search": "video-search",
    "video-editing": "video-editing",
    reflect: "reflect",
    FINISH: END,
  })
  .addEdge("planner", "supervisor")
  .addEdge("video-search", "supervisor")
  .addEdge("video-editing", "supervisor")
  .addEdge("reflect", "supervisor")
  .compile();
graph.name = "jockey";
