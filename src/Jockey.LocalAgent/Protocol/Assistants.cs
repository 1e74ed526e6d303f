using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Jockey.LocalAgent.Protocol;

/// <summary>
/// The one assistant: graph <c>jockey</c>, with the id LangGraph derives for a graph's default assistant,
/// uuid5(6ba7b821-9dad-11d1-80b4-00c04fd430c8, graph_id) = 0c5b3aef-e0a6-57a4-9f29-29466c9b8f8c.
/// </summary>
public static class Assistants
{
    public const string GraphId = "jockey";
    public static readonly string AssistantId = Uuid5(Guid.Parse("6ba7b821-9dad-11d1-80b4-00c04fd430c8"), GraphId);
    private static readonly DateTimeOffset Created = DateTimeOffset.UtcNow;

    /// <summary>LangGraph accepts the assistant's id or its graph's name.</summary>
    public static bool Matches(string idOrGraph) =>
        string.Equals(idOrGraph, AssistantId, StringComparison.OrdinalIgnoreCase) || idOrGraph == GraphId;

    public static JsonObject Describe() => new()
    {
        ["assistant_id"] = AssistantId,
        ["graph_id"] = GraphId,
        ["config"] = new JsonObject(),
        ["context"] = new JsonObject(),
        ["created_at"] = Created,
        ["updated_at"] = Created,
        ["metadata"] = new JsonObject { ["created_by"] = "system" },
        ["version"] = 1,
        ["name"] = GraphId,
        ["description"] = null,
    };

    /// <summary>RFC 4122 name-based UUID, version 5 (SHA-1), as Python's uuid.uuid5.</summary>
    public static string Uuid5(Guid ns, string name)
    {
        var nsBytes = ns.ToByteArray(bigEndian: true);
        var hash = SHA1.HashData([.. nsBytes, .. Encoding.UTF8.GetBytes(name)]);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
