using System.Text.Json.Nodes;
using Jockey.LocalAgent.Graph;

namespace Jockey.LocalAgent.Protocol;

public sealed class RunConflictException(string message) : Exception(message);

/// <summary>
/// Starts runs on threads and executes them in the background, applying LangGraph's multitask strategies: reject
/// (409 while busy), interrupt/rollback (cancel the running one first) and enqueue (wait for it).
/// A thread's state only changes when a run succeeds, so a cancelled or failed run leaves the thread as it was.
/// </summary>
public sealed class RunManager(JockeyGraph graph, ThreadStore threads, ILogger<RunManager> logger)
{
    public AgentRun Start(AgentThread thread, RunRequest request, string baseUrl, bool deleteThreadAfter = false)
    {
        AgentRun run;
        AgentRun? previous;
        lock (thread.Gate)
        {
            previous = thread.ActiveRun is { IsFinished: false } active ? active : null;
            if (previous is not null)
            {
                if (request.MultitaskStrategy == "reject")
                    throw new RunConflictException(
                        $"Thread {thread.ThreadId} is already running a task (run {previous.RunId}). Wait for it to finish, cancel it, or use multitask_strategy \"enqueue\" or \"interrupt\".");
                if (request.MultitaskStrategy is "interrupt" or "rollback") previous.Cancellation.Cancel();
            }
            run = new AgentRun(Guid.NewGuid().ToString(), thread.ThreadId, Assistants.AssistantId, request.StreamModes, request.Metadata, request.MultitaskStrategy);
            thread.ActiveRun = run;
            thread.UpdatedAt = DateTimeOffset.UtcNow;
        }
        thread.AddRun(run);
        _ = Task.Run(() => ExecuteAsync(thread, run, previous, request, baseUrl, deleteThreadAfter));
        return run;
    }

    private async Task ExecuteAsync(AgentThread thread, AgentRun run, AgentRun? previous, RunRequest request, string baseUrl, bool deleteThreadAfter)
    {
        var ct = run.Cancellation.Token;
        var status = "success";
        JockeyState? state = null;
        run.Emit("metadata", new JsonObject { ["run_id"] = run.RunId, ["attempt"] = 1 });
        try
        {
            if (previous is not null) await previous.Completion.WaitAsync(ct);
            run.SetRunning();
            state = thread.State.Clone();
            if (request.Input is { } input) state.Apply(input);
            // The seed sends index_id beside input rather than in it.
            if (request.Input?["index_id"] is null && request.IndexId is { Length: > 0 } index) state.IndexId = index;
            var ctx = new RunContext(run.RunId, thread.ThreadId, run.AssistantId, run.Modes, baseUrl, state, run.Emit);
            ctx.Emit("values", state.ToJson());
            await graph.RunAsync(state, ctx, ct);
            thread.State = state;
            thread.LastRunFailed = false;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = "interrupted";
            logger.LogInformation("Run {RunId} on thread {ThreadId} was cancelled", run.RunId, thread.ThreadId);
        }
        catch (Exception ex)
        {
            status = "error";
            thread.LastRunFailed = true;
            logger.LogError(ex, "Run {RunId} on thread {ThreadId} failed", run.RunId, thread.ThreadId);
            run.Emit("error", new JsonObject { ["error"] = ex.GetType().Name, ["message"] = ex.Message });
        }
        lock (thread.Gate)
        {
            if (thread.ActiveRun == run) thread.ActiveRun = null;
            thread.UpdatedAt = DateTimeOffset.UtcNow;
        }
        run.Finish(status, status == "success" ? state?.ToJson() : null);
        if (deleteThreadAfter) threads.Delete(thread.ThreadId);
    }
}
