export function App() {
  return (
    <main>
      <h1>Jockey</h1>
      <p>Describe the video you want.</p>
    </main>
  )
}
