using System.Buffers.Text;
using System.Security.Cryptography;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// Hub connection ids that name the replica holding the connection: <c>{replica}.{random}</c>. A message for one
/// connection then goes to that replica's channel alone, so the backplane subscribes nothing per connection
/// (<see cref="JockeyHubLifetimeManager{THub}"/>). The replica part is new at every process start: an id from a
/// replica that has since restarted names nobody, as its connection is gone too.
/// </summary>
public sealed class HubConnectionIds
{
    private const int ReplicaLength = 8;

    public string Replica { get; } = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(6));

    public string NewConnectionId() => $"{Replica}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16))}";

    /// <summary>The replica an id names, or null for an id this scheme did not make.</summary>
    public static string? ReplicaOf(string connectionId) =>
        connectionId.Length > ReplicaLength + 1 && connectionId[ReplicaLength] == '.' ? connectionId[..ReplicaLength] : null;
}
