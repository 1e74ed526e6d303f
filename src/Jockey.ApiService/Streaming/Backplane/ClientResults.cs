using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// Client-result invocations waiting for their completion (<see cref="HubLifetimeManager{THub}.InvokeConnectionAsync{T}"/>),
/// on the replica that asked and, for a connection elsewhere, on the replica that holds it. That one reads the client's
/// result as raw bytes and sends them back as they are; the asking replica reads them with the type it expects.
/// </summary>
public sealed class ClientResults(IReadOnlyList<IHubProtocol> protocols)
{
    private sealed record Pending(string ConnectionId, Type ResultType, TaskCompletionSource<CompletionMessage> Completion);

    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private long _lastId;

    /// <summary>Unique across replicas, so the replica holding the connection can keep the asker's id.</summary>
    public string NewInvocationId(string replica) => $"{replica}.{Interlocked.Increment(ref _lastId)}";

    /// <summary>Waits for a connection of this replica; its closing ends the wait.</summary>
    public Task<CompletionMessage> Add(string invocationId, HubConnectionContext connection, Type resultType)
    {
        var completion = AddRemote(invocationId, connection.ConnectionId, resultType);
        var closed = connection.ConnectionAborted.UnsafeRegister(
            _ => Fail(invocationId, $"Connection '{connection.ConnectionId}' disconnected."), null);
        completion.ContinueWith(_ => closed.Dispose(), TaskScheduler.Default);
        return completion;
    }

    /// <summary>Waits for a connection of another replica, which answers on this replica's channel.</summary>
    public Task<CompletionMessage> AddRemote(string invocationId, string connectionId, Type resultType)
    {
        var pending = new Pending(connectionId, resultType, new TaskCompletionSource<CompletionMessage>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[invocationId] = pending;
        return pending.Completion.Task;
    }

    /// <summary>The invocation is over, answered or not: a late completion for it is dropped, and its closing watch goes.</summary>
    public void Remove(string invocationId)
    {
        if (_pending.TryRemove(invocationId, out var pending)) pending.Completion.TrySetCanceled();
    }

    public bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type)
    {
        type = _pending.TryGetValue(invocationId, out var pending) ? pending.ResultType : null;
        return type is not null;
    }

    /// <summary>
    /// The client's completion, taken only from the connection the invocation went to (as SignalR's managers, another
    /// connection's is an error); one for an invocation no longer waited for is dropped.
    /// </summary>
    public void Complete(string connectionId, CompletionMessage completion)
    {
        if (completion.InvocationId is not { } id || !_pending.TryGetValue(id, out var pending)) return;
        if (pending.ConnectionId != connectionId)
        {
            throw new InvalidOperationException($"Connection ID '{connectionId}' is not valid for invocation ID '{id}'.");
        }
        pending.Completion.TrySetResult(completion);
    }

    /// <summary>No completion will come: the connection is gone, or so is the replica that held it.</summary>
    public void Fail(string invocationId, string reason)
    {
        if (_pending.TryGetValue(invocationId, out var pending)) pending.Completion.TrySetException(new IOException(reason));
    }

    /// <summary>A completion relayed by the replica holding the connection.</summary>
    public void CompleteRemote(BackplaneClientCompletion relayed)
    {
        if (!_pending.TryGetValue(relayed.InvocationId, out var pending)) return;
        if (relayed.Error is { } error)
        {
            pending.Completion.TrySetException(new IOException(error));
            return;
        }
        try
        {
            var protocol = protocols.FirstOrDefault(p => p.Name == relayed.Protocol)
                ?? throw new InvalidDataException($"The client answered in protocol '{relayed.Protocol}', which this replica does not serve.");
            var bytes = new ReadOnlySequence<byte>(relayed.Completion);
            pending.Completion.TrySetResult(protocol.TryParseMessage(ref bytes, new ResultBinder(pending.ResultType), out var message) && message is CompletionMessage completion
                ? completion
                : throw new InvalidDataException("The relayed client result is not a completion message."));
        }
        catch (Exception ex)
        {
            pending.Completion.TrySetException(ex);
        }
    }

    public static BackplaneClientCompletion Failure(string invocationId, string reason) => new(invocationId, "", ReadOnlyMemory<byte>.Empty, reason);

    /// <summary>As SignalR's own managers: the client's error becomes a <see cref="HubException"/>.</summary>
    public static T ResultOf<T>(CompletionMessage completion) =>
        completion.Error is { } error ? throw new HubException(error) : completion.HasResult ? (T)completion.Result! : default!;

    /// <summary>Reads a relayed completion's result as the type the asking invocation expects.</summary>
    private sealed class ResultBinder(Type resultType) : IInvocationBinder
    {
        public Type GetReturnType(string invocationId) => resultType;

        public IReadOnlyList<Type> GetParameterTypes(string methodName) => throw new NotSupportedException("Only completions are relayed.");

        public Type GetStreamItemType(string streamId) => throw new NotSupportedException("Only completions are relayed.");
    }
}
