using Microsoft.AspNetCore.SignalR;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>Writing one backplane message to many connections.</summary>
internal static class HubDelivery
{
    /// <summary>Writes one message to each connection, serialized once: the bytes that came over Redis are what each client gets.</summary>
    public static Task DeliverAsync(IEnumerable<HubConnectionContext> connections, BackplaneInvocation invocation)
    {
        var message = new SerializedHubMessage(invocation.Messages);
        List<Task>? pending = null;
        foreach (var connection in connections)
        {
            if (invocation.Excluded.Count > 0 && invocation.Excluded.Contains(connection.ConnectionId)) continue;
            var write = connection.WriteAsync(message);
            if (!write.IsCompletedSuccessfully) (pending ??= []).Add(write.AsTask());
        }
        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    public static Task DeliverAsync(HubConnectionStore connections, BackplaneInvocation invocation) => DeliverAsync(Members(connections), invocation);

    /// <summary>A store's connections as a sequence (the store enumerates without allocating, but is no <see cref="IEnumerable{T}"/>).</summary>
    public static IEnumerable<HubConnectionContext> Members(HubConnectionStore store)
    {
        foreach (var connection in store) yield return connection;
    }
}
