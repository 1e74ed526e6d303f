using Microsoft.AspNetCore.SignalR.Protocol;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// A group invocation of one method with one argument, in the JSON protocol, in the pieces around that argument's JSON:
/// <see cref="Head"/> (the backplane's bytes before the serialization, less its 7-bit encoded length), then
/// <see cref="Before"/>, the argument and <see cref="After"/>. A Redis script that makes the argument publishes the
/// invocation itself (the event log's append script), and a catch-up sends a logged argument as the same message.
/// </summary>
public sealed record InvocationPieces(byte[] Head, byte[] Before, byte[] After)
{
    /// <summary>The pieces of <paramref name="methodName"/>'s invocation as <paramref name="json"/> writes it.</summary>
    public static InvocationPieces Of(IHubProtocol json, string methodName)
    {
        // A number that nothing else in an invocation's JSON spells: where it is, the argument goes.
        const long Marker = 7_294_810_365;
        var marker = System.Text.Encoding.ASCII.GetBytes(Marker.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var payload = json.GetMessageBytes(new InvocationMessage(methodName, [Marker])).Span;
        var at = payload.IndexOf(marker);
        return new InvocationPieces(BackplaneCodec.InvocationHead([], [], json.Name), payload[..at].ToArray(), payload[(at + marker.Length)..].ToArray());
    }

    /// <summary>The hub message (JSON protocol bytes) that sends <paramref name="argumentJson"/>.</summary>
    public byte[] Around(string argumentJson)
    {
        var argument = System.Text.Encoding.UTF8.GetByteCount(argumentJson);
        var message = new byte[Before.Length + argument + After.Length];
        Before.CopyTo(message, 0);
        System.Text.Encoding.UTF8.GetBytes(argumentJson, message.AsSpan(Before.Length));
        After.CopyTo(message, Before.Length + argument);
        return message;
    }
}
