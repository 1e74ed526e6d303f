using Microsoft.AspNetCore.SignalR;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>What replicas send each other on the hub's Redis channels (<see cref="BackplaneCodec"/> writes and reads them).</summary>
public abstract record BackplaneMessage;

/// <summary>
/// A hub message for clients. On <c>:all</c> and <c>:group:</c> channels <see cref="Targets"/> is empty; on a replica's
/// channel it lists connection ids, on <c>:users</c> user ids. <see cref="Messages"/> holds the message once per protocol.
/// </summary>
public sealed record BackplaneInvocation(IReadOnlyList<string> Targets, IReadOnlyList<string> Excluded, IReadOnlyList<SerializedMessage> Messages) : BackplaneMessage;

/// <summary>Add a connection of the receiving replica to a group, or remove it; the sender waits for the <see cref="BackplaneAck"/>.</summary>
public sealed record BackplaneGroupCommand(int Id, string Sender, bool Add, string Group, string ConnectionId) : BackplaneMessage;

public sealed record BackplaneAck(int Id) : BackplaneMessage;

/// <summary>A client-result invocation for a connection of the receiving replica, to be answered on the sender's channel.</summary>
public sealed record BackplaneClientInvocation(string Sender, string ConnectionId, string InvocationId, IReadOnlyList<SerializedMessage> Messages) : BackplaneMessage;

/// <summary>The client's completion as it sent it (in <see cref="Protocol"/>), or why there is none.</summary>
public sealed record BackplaneClientCompletion(string InvocationId, string Protocol, ReadOnlyMemory<byte> Completion, string? Error) : BackplaneMessage;
