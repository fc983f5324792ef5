/** The account pages, one chunk loaded on demand (App.tsx); each lives in account/. */
export { AccountPage } from './account/AccountPage.tsx';
export { ResetPasswordPage } from './account/ResetPassword.tsx';
export { LoginPage } from './account/SignIn.tsx';
export { SignUpPage } from './account/SignUp.tsx';
