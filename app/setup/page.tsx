import { SetupPage } from '../../components/auth/SetupPage';

export default function Page() {
  return <SetupPage />;
}
