// Placeholder: replaced by the app editor work.
export default function AppsPage() {
  return <section className="page"><h1>Apps</h1></section>;
}
