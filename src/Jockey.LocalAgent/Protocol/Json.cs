using System.Text.Encodings.Web;
using System.Text.Json;

namespace Jockey.LocalAgent.Protocol;

/// <summary>JSON as Python's json.dumps would write it for these payloads: quotes escaped as \", non-ASCII text left readable.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
