using Microsoft.AspNetCore.SignalR;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// The bytes of a <see cref="BackplaneMessage"/>: a kind byte, then the fields in order, strings and byte blocks
/// length-prefixed as <see cref="BinaryWriter"/> writes them. Only Jockey replicas read these channels, and their
/// names carry a version (<see cref="BackplaneChannels"/>), so a change of layout takes a new channel name.
/// </summary>
public static class BackplaneCodec
{
    private enum Kind : byte { Invocation = 1, GroupCommand = 2, Ack = 3, ClientInvocation = 4, ClientCompletion = 5 }

    public static byte[] Write(BackplaneMessage message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            switch (message)
            {
                case BackplaneInvocation invocation:
                    writer.Write((byte)Kind.Invocation);
                    WriteStrings(writer, invocation.Targets);
                    WriteStrings(writer, invocation.Excluded);
                    WriteSerializations(writer, invocation.Messages);
                    break;
                case BackplaneGroupCommand command:
                    writer.Write((byte)Kind.GroupCommand);
                    writer.Write(command.Id);
                    writer.Write(command.Sender);
                    writer.Write(command.Add);
                    writer.Write(command.Group);
                    writer.Write(command.ConnectionId);
                    break;
                case BackplaneAck ack:
                    writer.Write((byte)Kind.Ack);
                    writer.Write(ack.Id);
                    break;
                case BackplaneClientInvocation invocation:
                    writer.Write((byte)Kind.ClientInvocation);
                    writer.Write(invocation.Sender);
                    writer.Write(invocation.ConnectionId);
                    writer.Write(invocation.InvocationId);
                    WriteSerializations(writer, invocation.Messages);
                    break;
                case BackplaneClientCompletion completion:
                    writer.Write((byte)Kind.ClientCompletion);
                    writer.Write(completion.InvocationId);
                    writer.Write(completion.Protocol);
                    WriteBytes(writer, completion.Completion.Span);
                    writer.Write(completion.Error ?? "");
                    break;
                default:
                    throw new ArgumentException($"No layout for {message.GetType().Name}.", nameof(message));
            }
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The bytes of a <see cref="BackplaneInvocation"/> with one serialization, up to that serialization's length: what
    /// follows is the length as a 7-bit encoded int (<see cref="BinaryWriter.Write7BitEncodedInt"/>) and the bytes. For
    /// a writer outside this process — the event log's append script publishes a thread's updates itself.
    /// </summary>
    public static byte[] InvocationHead(IReadOnlyList<string> targets, IReadOnlyList<string> excluded, string protocolName)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write((byte)Kind.Invocation);
            WriteStrings(writer, targets);
            WriteStrings(writer, excluded);
            writer.Write7BitEncodedInt(1);
            writer.Write(protocolName);
        }
        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a message this codec wrote.</exception>
    public static BackplaneMessage Read(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        try
        {
            return (Kind)reader.ReadByte() switch
            {
                Kind.Invocation => new BackplaneInvocation(ReadStrings(reader), ReadStrings(reader), ReadSerializations(reader)),
                Kind.GroupCommand => new BackplaneGroupCommand(reader.ReadInt32(), reader.ReadString(), reader.ReadBoolean(), reader.ReadString(), reader.ReadString()),
                Kind.Ack => new BackplaneAck(reader.ReadInt32()),
                Kind.ClientInvocation => new BackplaneClientInvocation(reader.ReadString(), reader.ReadString(), reader.ReadString(), ReadSerializations(reader)),
                Kind.ClientCompletion => new BackplaneClientCompletion(reader.ReadString(), reader.ReadString(), ReadBytes(reader),
                    reader.ReadString() is { Length: > 0 } error ? error : null),
                var kind => throw new InvalidDataException($"Unknown backplane message kind {(byte)kind}."),
            };
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("A backplane message ended early.", ex);
        }
    }

    private static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> values)
    {
        writer.Write7BitEncodedInt(values.Count);
        foreach (var value in values) writer.Write(value);
    }

    private static string[] ReadStrings(BinaryReader reader)
    {
        var values = new string[reader.Read7BitEncodedInt()];
        for (var i = 0; i < values.Length; i++) values[i] = reader.ReadString();
        return values;
    }

    private static void WriteSerializations(BinaryWriter writer, IReadOnlyList<SerializedMessage> messages)
    {
        writer.Write7BitEncodedInt(messages.Count);
        foreach (var message in messages)
        {
            writer.Write(message.ProtocolName);
            WriteBytes(writer, message.Serialized.Span);
        }
    }

    private static SerializedMessage[] ReadSerializations(BinaryReader reader)
    {
        var messages = new SerializedMessage[reader.Read7BitEncodedInt()];
        for (var i = 0; i < messages.Length; i++) messages[i] = new SerializedMessage(reader.ReadString(), ReadBytes(reader));
        return messages;
    }

    private static void WriteBytes(BinaryWriter writer, ReadOnlySpan<byte> bytes)
    {
        writer.Write7BitEncodedInt(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        var length = reader.Read7BitEncodedInt();
        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException();
    }
}
