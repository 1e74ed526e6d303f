namespace Jockey.AppHost.Orchestration;

/// <summary>Wakes everyone waiting on a resource state change (WaitFor, tests, the dashboard).</summary>
internal sealed class ResourceNotifier
{
    private TaskCompletionSource _changed = NewSource();

    public void Publish() => Interlocked.Exchange(ref _changed, NewSource()).TrySetResult();

    /// <summary>Take this before reading state, then await it: no change can slip between the read and the wait.</summary>
    public Task NextChange => Volatile.Read(ref _changed).Task;

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
