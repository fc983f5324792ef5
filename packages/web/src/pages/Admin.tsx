/** Admin pages, loaded on demand (a separate chunk): shoppers never download them. */
import { NavLink, Navigate, Outlet, Route, Routes } from 'react-router';
import { OrderQueue } from './admin/OrderQueue.tsx';
import { ProductEditor } from './admin/ProductEditor.tsx';
import { AdminProducts } from './admin/Products.tsx';
import { AdminUsers } from './admin/Users.tsx';

/** Behind the route guard (App.tsx: signed in, and an administrator). */
export default function AdminRoutes() {
  return (
    <Routes>
      <Route element={<AdminLayout />}>
        <Route index element={<Navigate to="orders" replace />} />
        <Route path="products" element={<AdminProducts />} />
        <Route path="products/new" element={<ProductEditor />} />
        <Route path="products/:id" element={<ProductEditor />} />
        <Route path="orders" element={<OrderQueue />} />
        <Route path="users" element={<AdminUsers />} />
      </Route>
    </Routes>
  );
}

function AdminLayout() {
  return (
    <div className="admin">
      <nav aria-label="Administration" className="tabs">
        <NavLink to="/admin/orders">Orders</NavLink>
        <NavLink to="/admin/products">Products</NavLink>
        <NavLink to="/admin/users">Users</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
