using System.Text.Json;
using Jockey.LocalAgent.Media;
using Microsoft.Data.Sqlite;

namespace Jockey.LocalAgent.Library;

/// <summary>
/// What is known about one file of an index: the stamps it was read at (<see cref="MediaStamp"/> is the video's size
/// and mtime, <see cref="TextStamp"/> its sidecars'), and the entry read from it, null when it is not a usable video
/// (kept so that an unchanged broken file is not probed again).
/// </summary>
public sealed record StoredFile(string FileName, string MediaStamp, string TextStamp, VideoEntry? Entry);

/// <summary>One match of a full-text query: a video's file, which of its documents matched (-1 its metadata, else a cue) and the BM25 score.</summary>
public sealed record TextMatch(string FileName, int Cue, double Score);

/// <summary>
/// One index's persistent search index: a SQLite file (<c>DataPath/search/{index}.db</c>) holding every file's media
/// facts keyed by its stamps, and an FTS5 table (porter stemmer, bm25 ranking) with one document per subtitle cue and
/// one per video's metadata. A document's rowid is its video's id × <see cref="CueSlots"/> + cue + 1, so a video's
/// documents are one rowid range: replaced and deleted without scanning the table.
/// </summary>
public sealed class IndexStore : IDisposable
{
    private const int SchemaVersion = 1;
    private const long CueSlots = 100_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SqliteConnection _db;
    private readonly Dictionary<long, string> _fileOfId = [];
    private readonly Dictionary<string, long> _idOfFile = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IndexStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;");
        // In a write transaction, so two agents opening one new library create the schema once.
        using var tx = _db.BeginTransaction(deferred: false);
        if (Scalar<long>("PRAGMA user_version") != SchemaVersion)
            Execute($"""
                DROP TABLE IF EXISTS videos; DROP TABLE IF EXISTS docs;
                CREATE TABLE videos(id INTEGER PRIMARY KEY, file TEXT NOT NULL UNIQUE, media_stamp TEXT NOT NULL, text_stamp TEXT NOT NULL,
                    usable INTEGER NOT NULL, video_id TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL, tags TEXT NOT NULL, cues TEXT NOT NULL,
                    duration REAL NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, frame_rate REAL NOT NULL, has_video INTEGER NOT NULL, has_audio INTEGER NOT NULL);
                CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'porter unicode61');
                PRAGMA user_version = {SchemaVersion};
                """);
        tx.Commit();
    }

    /// <summary>Every file the index knows, as stored: what a restart starts from instead of probing again.</summary>
    public IReadOnlyList<StoredFile> Load(string indexId, string folder)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT id, file, media_stamp, text_stamp, usable, video_id, title, description, tags, cues, duration, width, height, frame_rate, has_video, has_audio FROM videos";
            using var r = cmd.ExecuteReader();
            var files = new List<StoredFile>();
            while (r.Read())
            {
                var file = r.GetString(1);
                Remember(r.GetInt64(0), file);
                var entry = r.GetBoolean(4)
                    ? new VideoEntry(indexId, r.GetString(5), file, Path.Combine(folder, file), r.GetString(6), r.GetString(7),
                        JsonSerializer.Deserialize<string[]>(r.GetString(8), Json) ?? [], JsonSerializer.Deserialize<Cue[]>(r.GetString(9), Json) ?? [],
                        new MediaInfo(r.GetDouble(10), r.GetInt32(11), r.GetInt32(12), r.GetDouble(13), r.GetBoolean(14), r.GetBoolean(15)))
                    : null;
                files.Add(new StoredFile(file, r.GetString(2), r.GetString(3), entry));
            }
            return files;
        }
    }

    /// <summary>Writes files read (their facts and their documents) and forgets removed ones, in one transaction.</summary>
    public void Save(IReadOnlyCollection<StoredFile> files, IReadOnlyCollection<string> removed)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            foreach (var name in removed)
                if (_idOfFile.Remove(name, out var gone))
                {
                    _fileOfId.Remove(gone);
                    DeleteDocs(gone);
                    Execute("DELETE FROM videos WHERE id = $id", ("$id", gone));
                }
            foreach (var file in files) Upsert(file);
            tx.Commit();
        }
    }

    /// <summary>BM25 matches of an FTS5 query, higher scores better.</summary>
    public IReadOnlyList<TextMatch> Match(string ftsQuery)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH $q";
            cmd.Parameters.AddWithValue("$q", ftsQuery);
            using var r = cmd.ExecuteReader();
            var matches = new List<TextMatch>();
            while (r.Read())
            {
                var rowid = r.GetInt64(0);
                // FTS5's bm25() is negative, more negative for better matches.
                if (_fileOfId.TryGetValue(rowid / CueSlots, out var file)) matches.Add(new TextMatch(file, (int)(rowid % CueSlots) - 1, -r.GetDouble(1)));
            }
            return matches;
        }
    }

    private void Upsert(StoredFile file)
    {
        var e = file.Entry;
        var m = e?.Media ?? new MediaInfo(0, 0, 0, 0, false, false);
        using var cmd = _db.CreateCommand();
        cmd.CommandText = """
            INSERT INTO videos(file, media_stamp, text_stamp, usable, video_id, title, description, tags, cues, duration, width, height, frame_rate, has_video, has_audio)
            VALUES($file, $ms, $ts, $usable, $vid, $title, $desc, $tags, $cues, $dur, $w, $h, $fps, $hv, $ha)
            ON CONFLICT(file) DO UPDATE SET media_stamp = excluded.media_stamp, text_stamp = excluded.text_stamp, usable = excluded.usable,
                video_id = excluded.video_id, title = excluded.title, description = excluded.description, tags = excluded.tags, cues = excluded.cues,
                duration = excluded.duration, width = excluded.width, height = excluded.height, frame_rate = excluded.frame_rate,
                has_video = excluded.has_video, has_audio = excluded.has_audio
            RETURNING id
            """;
        cmd.Parameters.AddWithValue("$file", file.FileName);
        cmd.Parameters.AddWithValue("$ms", file.MediaStamp);
        cmd.Parameters.AddWithValue("$ts", file.TextStamp);
        cmd.Parameters.AddWithValue("$usable", e is not null);
        cmd.Parameters.AddWithValue("$vid", e?.VideoId ?? "");
        cmd.Parameters.AddWithValue("$title", e?.Title ?? "");
        cmd.Parameters.AddWithValue("$desc", e?.Description ?? "");
        cmd.Parameters.AddWithValue("$tags", JsonSerializer.Serialize(e?.Tags ?? [], Json));
        cmd.Parameters.AddWithValue("$cues", JsonSerializer.Serialize(e?.Cues ?? [], Json));
        cmd.Parameters.AddWithValue("$dur", m.Duration);
        cmd.Parameters.AddWithValue("$w", m.Width);
        cmd.Parameters.AddWithValue("$h", m.Height);
        cmd.Parameters.AddWithValue("$fps", m.FrameRate);
        cmd.Parameters.AddWithValue("$hv", m.HasVideo);
        cmd.Parameters.AddWithValue("$ha", m.HasAudio);
        var id = (long)cmd.ExecuteScalar()!;
        Remember(id, file.FileName);
        DeleteDocs(id); // also when this process had not seen the file: another agent on the same library may have indexed it
        if (e is null) return;

        using var insert = _db.CreateCommand();
        insert.CommandText = "INSERT INTO docs(rowid, body) VALUES($rowid, $body)";
        var rowid = insert.Parameters.Add("$rowid", SqliteType.Integer);
        var body = insert.Parameters.Add("$body", SqliteType.Text);
        // The title counts twice: a word in it says more about the video than the same word in a description.
        foreach (var (cue, text) in e.Cues.Take((int)CueSlots - 2).Select((c, i) => (i, c.Text))
                     .Prepend((-1, $"{e.Title} {e.Title} {string.Join(' ', e.Tags)} {e.Description}")))
        {
            rowid.Value = id * CueSlots + cue + 1;
            body.Value = text;
            insert.ExecuteNonQuery();
        }
    }

    private void Remember(long id, string file)
    {
        _fileOfId[id] = file;
        _idOfFile[file] = id;
    }

    private void DeleteDocs(long id) =>
        Execute("DELETE FROM docs WHERE rowid BETWEEN $from AND $to", ("$from", id * CueSlots), ("$to", id * CueSlots + CueSlots - 1));

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        cmd.ExecuteNonQuery();
    }

    private T Scalar<T>(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        return (T)cmd.ExecuteScalar()!;
    }

    public void Dispose()
    {
        lock (_gate) _db.Dispose();
    }
}
